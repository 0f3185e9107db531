// The build loads .css files as text (scripts/build.mjs: loader '.css': 'text').
declare module 'uplot/dist/uPlot.min.css' {
  const css: string;
  export default css;
}
