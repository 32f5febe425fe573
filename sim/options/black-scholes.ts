// Black-Scholes(-Merton) and Black-76 prices and Greeks, and a normal CDF accurate to ~1e-16 relative (Cody's erfc).
//
// Formulas: ../shared/reference/mechanics.md section 2.4 (standard; Hull, "Options, Futures and Other Derivatives"):
//   d1 = [ln(S/K) + (r - q + sigma^2/2) T] / (sigma sqrt T), d2 = d1 - sigma sqrt T
//   C = S e^{-qT} N(d1) - K e^{-rT} N(d2),  P = K e^{-rT} N(-d2) - S e^{-qT} N(-d1)
//   Delta_C = e^{-qT} N(d1), Delta_P = e^{-qT} (N(d1) - 1), Gamma = e^{-qT} n(d1) / (S sigma sqrt T)
//   Vega = S e^{-qT} n(d1) sqrt T (per 1.00 of volatility), Theta per year, Rho per 1.00 of rate
//   Black-76 on a forward F: C = e^{-rT} [F N(d1) - K N(d2)], d1 = [ln(F/K) + sigma^2 T / 2] / (sigma sqrt T)
// Test vectors: mechanics.md 7.1 item 16 and Hull's S = K = 100, T = 1, r = 5%, sigma = 20% example
// (test/sim/options/black-scholes.test.ts).

/** 1 / sqrt(pi) */
const RSQRT_PI = 0.5641895835477562869480794515607725858440;
/** 1 / sqrt(2 pi) */
const RSQRT_2PI = 0.3989422804014326779399460599343818684759;
const SQRT1_2 = Math.SQRT1_2;

// Rational Chebyshev approximations of W. J. Cody, "Rational Chebyshev approximations for the error function",
// Math. Comp. 23 (1969) 631-637, as tabulated in his CALERF routine (netlib specfun). Relative error below 1e-16 on
// each of the three intervals |x| <= 0.46875, 0.46875 < |x| <= 4, |x| > 4.
const A0 = 3.1611237438705656, A1 = 113.864154151050156, A2 = 377.485237685302021, A3 = 3209.37758913846947, A4 = 0.185777706184603153;
const B0 = 23.6012909523441209, B1 = 244.024637934444173, B2 = 1282.61652607737228, B3 = 2844.23683343917062;
const C0 = 0.564188496988670089, C1 = 8.88314979438837594, C2 = 66.1191906371416295, C3 = 298.635138197400131,
  C4 = 881.95222124176909, C5 = 1712.04761263407058, C6 = 2051.07837782607147, C7 = 1230.33935479799725, C8 = 2.15311535474403846e-8;
const D0 = 15.7449261107098347, D1 = 117.693950891312499, D2 = 537.181101862009858, D3 = 1621.38957456669019,
  D4 = 3290.79923573345963, D5 = 4362.61909014324716, D6 = 3439.36767414372164, D7 = 1230.33935480374942;
const P0 = 0.305326634961232344, P1 = 0.360344899949804439, P2 = 0.125781726111229246, P3 = 0.0160837851487422766,
  P4 = 6.58749161529837803e-4, P5 = 0.0163153871373020978;
const Q0 = 2.56852019228982242, Q1 = 1.87295284992346047, Q2 = 0.527905102951428412, Q3 = 0.0605183413124413191, Q4 = 0.00233520497626869185;

/** erf(x) for |x| <= 0.46875 (Cody's first interval). */
function erfSmall(x: number): number {
  const z = x * x;
  const num = (((A4 * z + A0) * z + A1) * z + A2) * z + A3;
  const den = (((z + B0) * z + B1) * z + B2) * z + B3;
  return (x * num) / den;
}

/**
 * exp(-y^2) computed as exp(-h^2) exp(-(y - h)(y + h)) with h = y rounded down to 1/16: y^2 itself would carry a
 * rounding error that exp amplifies by y^2 (Cody's CALERF does the same).
 */
function expMinusSquare(y: number): number {
  const h = Math.trunc(y * 16) / 16;
  return Math.exp(-h * h) * Math.exp(-(y - h) * (y + h));
}

/** Complementary error function erfc(x) = 1 - erf(x), with full relative accuracy in the tails. */
export function erfc(x: number): number {
  if (Number.isNaN(x)) return NaN;
  const y = Math.abs(x);
  let r: number;
  if (y <= 0.46875) return 1 - erfSmall(x);
  if (y <= 4) {
    const num = (((((((C8 * y + C0) * y + C1) * y + C2) * y + C3) * y + C4) * y + C5) * y + C6) * y + C7;
    const den = (((((((y + D0) * y + D1) * y + D2) * y + D3) * y + D4) * y + D5) * y + D6) * y + D7;
    r = (num / den) * expMinusSquare(y);
  } else if (y >= 27) {
    r = 0; // erfc(27) < 1e-318: below the smallest double worth keeping
  } else {
    const z = 1 / (y * y);
    const num = ((((P5 * z + P0) * z + P1) * z + P2) * z + P3) * z + P4;
    const den = ((((z + Q0) * z + Q1) * z + Q2) * z + Q3) * z + Q4;
    r = ((RSQRT_PI - (z * num) / den) / y) * expMinusSquare(y);
  }
  return x < 0 ? 2 - r : r;
}

/** Error function erf(x). */
export function erf(x: number): number {
  if (Math.abs(x) <= 0.46875) return erfSmall(x);
  return x < 0 ? erfc(-x) - 1 : 1 - erfc(x);
}

/** Standard normal density n(x) = exp(-x^2 / 2) / sqrt(2 pi). */
export function normPdf(x: number): number {
  return RSQRT_2PI * Math.exp(-0.5 * x * x);
}

/**
 * Standard normal CDF N(x) = erfc(-x / sqrt 2) / 2. Absolute error below 1e-16 everywhere and relative error about
 * 1e-14 deep in the lower tail (from rounding x / sqrt 2), checked against arbitrary-precision values in the tests.
 */
export function normCdf(x: number): number {
  return 0.5 * erfc(-x * SQRT1_2);
}

/** Price and Greeks of one option. Vega per 1.00 of volatility, theta per year of calendar time, rho per 1.00 of rate. */
export interface Greeks {
  price: number;
  delta: number;
  gamma: number;
  vega: number;
  theta: number;
  rho: number;
}

export function greeks(): Greeks {
  return { price: 0, delta: 0, gamma: 0, vega: 0, theta: 0, rho: 0 };
}

/**
 * Black-Scholes-Merton price of a European option (continuous dividend or carry yield q). At or after expiry
 * (T <= 0) the intrinsic value; with zero volatility the discounted intrinsic value of the forward.
 */
export function bsmPrice(call: boolean, S: number, K: number, T: number, r: number, q: number, sigma: number): number {
  if (!(T > 0)) return call ? Math.max(S - K, 0) : Math.max(K - S, 0);
  const dq = Math.exp(-q * T);
  const dr = Math.exp(-r * T);
  const sd = sigma * Math.sqrt(T);
  if (!(sd > 0)) return call ? Math.max(S * dq - K * dr, 0) : Math.max(K * dr - S * dq, 0);
  const d1 = (Math.log(S / K) + (r - q + 0.5 * sigma * sigma) * T) / sd;
  const d2 = d1 - sd;
  return call ? S * dq * normCdf(d1) - K * dr * normCdf(d2) : K * dr * normCdf(-d2) - S * dq * normCdf(-d1);
}

/** Black-Scholes-Merton price and Greeks into `out` (no allocation). Same limits as bsmPrice. */
export function bsmGreeks(call: boolean, S: number, K: number, T: number, r: number, q: number, sigma: number, out: Greeks = greeks()): Greeks {
  if (!(T > 0)) {
    const itm = call ? S > K : S < K;
    out.price = call ? Math.max(S - K, 0) : Math.max(K - S, 0);
    out.delta = itm ? (call ? 1 : -1) : 0;
    out.gamma = 0;
    out.vega = 0;
    out.theta = 0;
    out.rho = 0;
    return out;
  }
  const dq = Math.exp(-q * T);
  const dr = Math.exp(-r * T);
  const sqrtT = Math.sqrt(T);
  const sd = sigma * sqrtT;
  if (!(sd > 0)) {
    // zero volatility: the option is worth its discounted forward intrinsic value; Greeks of that payoff
    const fwdItm = call ? S * dq > K * dr : K * dr > S * dq;
    const sgn = call ? 1 : -1;
    out.price = fwdItm ? sgn * (S * dq - K * dr) : 0;
    out.delta = fwdItm ? sgn * dq : 0;
    out.gamma = 0;
    out.vega = 0;
    out.theta = fwdItm ? sgn * (q * S * dq - r * K * dr) : 0;
    out.rho = fwdItm ? sgn * K * T * dr : 0;
    return out;
  }
  const d1 = (Math.log(S / K) + (r - q + 0.5 * sigma * sigma) * T) / sd;
  const d2 = d1 - sd;
  const pdf = normPdf(d1);
  const decay = -(S * dq * pdf * sigma) / (2 * sqrtT);
  out.gamma = (dq * pdf) / (S * sd);
  out.vega = S * dq * pdf * sqrtT;
  if (call) {
    const n1 = normCdf(d1);
    const n2 = normCdf(d2);
    out.price = S * dq * n1 - K * dr * n2;
    out.delta = dq * n1;
    out.theta = decay - r * K * dr * n2 + q * S * dq * n1;
    out.rho = K * T * dr * n2;
  } else {
    const m1 = normCdf(-d1);
    const m2 = normCdf(-d2);
    out.price = K * dr * m2 - S * dq * m1;
    out.delta = -dq * m1;
    out.theta = decay + r * K * dr * m2 - q * S * dq * m1;
    out.rho = -K * T * dr * m2;
  }
  return out;
}

/** Black-76 price of a European option on a forward F (discounted at r). */
export function black76Price(call: boolean, F: number, K: number, T: number, r: number, sigma: number): number {
  if (!(T > 0)) return call ? Math.max(F - K, 0) : Math.max(K - F, 0);
  return bsmPrice(call, F, K, T, r, r, sigma);
}

/**
 * Black-76 price and Greeks with respect to the forward F (delta = dV/dF, gamma = d2V/dF2). Black-76 is BSM with
 * S = F and q = r, except rho, which holds F fixed: rho = -T * price.
 */
export function black76Greeks(call: boolean, F: number, K: number, T: number, r: number, sigma: number, out: Greeks = greeks()): Greeks {
  bsmGreeks(call, F, K, T, r, r, sigma, out);
  if (T > 0) out.rho = -T * out.price;
  return out;
}
