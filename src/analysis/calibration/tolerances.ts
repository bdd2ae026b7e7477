// Issue 15's targets for a row of the validation page: within ±15 % on Requests/sec and 10
// points on the 500 fraction. A file of their own, with no imports, so that the report (and
// the what-if page, which runs in a browser) can quote them without the page's Node code.
export const RPS_TOLERANCE = 0.15;
export const POINTS_500_TOLERANCE = 10;
