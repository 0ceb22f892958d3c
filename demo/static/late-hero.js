// Served from /static/late-hero.js, late, under the demo's slow-lcp fault: it fills the hero slot
// the page reserved (fixed height, so nothing shifts) with the largest text on the page.
(() => {
  const slot = document.getElementById('late-hero');
  if (!slot) return;
  slot.textContent =
    'Estimates that add up. Draft a quote in a minute, list every line item with its quantity and ' +
    'unit price, and let the totals take care of themselves. Built for painters, plumbers and ' +
    'everyone who would rather be on site than at a spreadsheet.';
})();
