// The texts of data/, embedded by the build (scripts/web.ts) so the page needs no fetch.
declare module 'studio:corpora' {
  const corpora: ReadonlyArray<{ readonly name: string; readonly text: string }>;
  export default corpora;
}
