// The graphics' own strings; the rest are the venue screen's (display/i18n/display.js), so a
// broadcast graphic and the screen in the hall say the same words.
export const graphicsStrings = {
  zh: {
    'graphics.page': '第 {n}/{of} 页',
  },
  en: {
    'graphics.page': 'page {n} of {of}',
  },
};
