// The settings form, built from the settings table: one labelled control per field, with its help
// text; the learning rate and the temperature get a slider and a box to type the exact value.
import { parseSettings, SETTING_FIELDS, formatSetting, type SettingField, type StudioSettings } from '../settings.js';

/** Fields that act on a running training at once (the rest are fixed once a run has started). */
export const LIVE_FIELDS: ReadonlySet<keyof StudioSettings> = new Set(['learningRate', 'temperature']);

/** Slider ranges of the live fields (the box beside each takes any value the field allows). */
const SLIDERS: Partial<Record<keyof StudioSettings, { readonly min: string; readonly max: string; readonly step: string }>> = {
  learningRate: { min: '0.00001', max: '1', step: '0.00001' },
  temperature: { min: '0.05', max: '3', step: '0.01' },
};

export interface SettingsForm {
  /** Reads and checks every field; throws a SettingsError naming the first bad one. */
  read(): StudioSettings;
  /** Shows these values. */
  fill(values: Partial<StudioSettings>): void;
  /** Enables the fields that may change now. */
  lock(state: { readonly running: boolean; readonly fixedByCheckpoint: boolean }): void;
  /** The control of a field (the slider for live fields). */
  control(key: keyof StudioSettings): HTMLInputElement | HTMLSelectElement;
}

function element<K extends keyof HTMLElementTagNameMap>(tag: K, props: Partial<HTMLElementTagNameMap[K]> = {}): HTMLElementTagNameMap[K] {
  return Object.assign(document.createElement(tag), props);
}

function buildControl(f: SettingField): HTMLInputElement | HTMLSelectElement {
  switch (f.kind) {
    case 'choice': {
      const select = element('select', { id: f.id });
      for (const [value, label] of f.choices) select.append(element('option', { value, textContent: label }));
      select.value = f.default;
      return select;
    }
    case 'integer':
      return element('input', { id: f.id, type: 'number', min: String(f.min), max: String(f.max), step: '1', inputMode: 'numeric', value: formatSetting(f.default) });
    case 'number': {
      const slider = SLIDERS[f.key];
      if (slider) return element('input', { id: f.id, type: 'range', ...slider, value: String(f.default) });
      return element('input', { id: f.id, type: 'number', min: String(f.min), max: String(f.max), step: f.step, value: String(f.default) });
    }
    case 'text':
      return element('input', { id: f.id, type: 'text', value: f.default, spellcheck: false });
  }
}

/** Builds the form into the `#fields-<group>` containers and returns its handle. */
export function buildSettingsForm(onLiveChange: (key: keyof StudioSettings, raw: string) => void): SettingsForm {
  const controls = new Map<keyof StudioSettings, HTMLInputElement | HTMLSelectElement>();
  const boxes = new Map<keyof StudioSettings, HTMLInputElement>();
  for (const f of SETTING_FIELDS) {
    const wrap = element('div', { className: 'field' });
    const control = buildControl(f);
    const help = element('p', { className: 'hint', id: `${f.id}-help`, textContent: f.help });
    control.setAttribute('aria-describedby', help.id);
    wrap.append(element('label', { htmlFor: f.id, textContent: f.label }));
    if (control instanceof HTMLInputElement && control.type === 'range') {
      // The slider and a box for the exact value, kept in step; either one changes the setting.
      const box = element('input', { id: `${f.id}-value`, type: 'number', step: 'any', value: control.value });
      box.setAttribute('aria-label', `${f.label} (exact value)`);
      const row = element('div', { className: 'live' });
      row.append(control, box);
      wrap.append(row);
      const fromSlider = (): void => {
        if (box.value === control.value) return; // 'change' after 'input' for the same move
        box.value = control.value;
        onLiveChange(f.key, control.value);
      };
      control.addEventListener('input', fromSlider);
      control.addEventListener('change', fromSlider);
      box.addEventListener('change', () => {
        control.value = box.value;
        onLiveChange(f.key, box.value);
      });
      boxes.set(f.key, box);
    } else {
      wrap.append(control);
    }
    wrap.append(help);
    document.getElementById(`fields-${f.group}`)!.append(wrap);
    controls.set(f.key, control);
  }
  const raw = (key: keyof StudioSettings): string => boxes.get(key)?.value ?? controls.get(key)!.value;
  return {
    read: () => parseSettings((id) => raw(SETTING_FIELDS.find((f) => f.id === id)!.key)),
    fill(values) {
      for (const [key, value] of Object.entries(values) as [keyof StudioSettings, StudioSettings[keyof StudioSettings]][]) {
        const text = formatSetting(value);
        const control = controls.get(key);
        if (control) control.value = text;
        const box = boxes.get(key);
        if (box) box.value = text;
      }
    },
    lock({ running, fixedByCheckpoint }) {
      for (const f of SETTING_FIELDS) {
        const disabled = LIVE_FIELDS.has(f.key) ? false : running || (fixedByCheckpoint && f.fixedByCheckpoint);
        controls.get(f.key)!.disabled = disabled;
        const box = boxes.get(f.key);
        if (box) box.disabled = disabled;
      }
    },
    control: (key) => controls.get(key)!,
  };
}
