/**
 * Round-trip latency between a demand origin and a cluster, modelled as the
 * great-circle distance stretched by a route factor, at the speed of light in
 * fibre, plus a fixed cost. Measured RTTs override the model where known.
 *
 * - Light in silica fibre travels at about c / 1.468 ≈ 204 km per ms (refractive
 *   index of standard single-mode fibre, ITU-T G.652); we use 200 km/ms.
 * - ASSUMPTION: route factor 2.0 (fibre paths are longer than great circles)
 *   and 3 ms fixed (switching, last mile). Both can be overridden.
 */
export interface LatencyModel {
  readonly fibreKmPerMs: number;
  readonly routeFactor: number;
  readonly fixedMs: number;
}

export const DEFAULT_LATENCY_MODEL: LatencyModel = { fibreKmPerMs: 200, routeFactor: 2.0, fixedMs: 3 };

const EARTH_RADIUS_KM = 6371;

export interface LatLon {
  readonly lat: number;
  readonly lon: number;
}

export function greatCircleKm(a: LatLon, b: LatLon): number {
  const rad = Math.PI / 180;
  const dLat = (b.lat - a.lat) * rad;
  const dLon = (b.lon - a.lon) * rad;
  const h = Math.sin(dLat / 2) ** 2 + Math.cos(a.lat * rad) * Math.cos(b.lat * rad) * Math.sin(dLon / 2) ** 2;
  return 2 * EARTH_RADIUS_KM * Math.asin(Math.min(1, Math.sqrt(h)));
}

export function modelRttMs(a: LatLon, b: LatLon, model: LatencyModel = DEFAULT_LATENCY_MODEL): number {
  const km = greatCircleKm(a, b);
  return (2 * km * model.routeFactor) / model.fibreKmPerMs + model.fixedMs;
}
