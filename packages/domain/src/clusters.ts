/**
 * The ten national computing clusters of the "East Data, West Computing"
 * programme (东数西算), and the cities where demand comes from.
 *
 * Source for the clusters, their hubs and the east/west split: NDRC, CAC, MIIT
 * and NEA, approval of the national hub nodes of the integrated computing
 * network, February 2022 (国家发展改革委等部门关于同意建设全国一体化算力网络国家枢纽节点的复函).
 * The same notice sets the PUE ceilings used here: below 1.25 in eastern hubs and
 * below 1.2 in western hubs.
 * Coordinates: approximate centre of the cluster's host city or district.
 * Tariffs and renewable mixes are ASSUMPTIONS (illustrative), overridable in the
 * market file (market.ts) and per node in the agent's config.
 */
import type { GreenMix } from "./energy.js";

export type Region = "east" | "west";

export interface Cluster {
  readonly id: string;
  readonly name: string;
  readonly hub: string;
  readonly province: string;
  readonly region: Region;
  readonly lat: number;
  readonly lon: number;
  /** PUE ceiling from the 2022 notice. */
  readonly pue: number;
  /** ASSUMPTION: flat-period large-industry tariff, yuan per kWh. */
  readonly flatTariffYuanPerKwh: number;
  /** ASSUMPTION: which time-of-use shape the province's tariff follows (energy.ts). */
  readonly touShape: "standard" | "solar";
  /** ASSUMPTION: the renewable mix that shapes the hourly green share (energy.ts). */
  readonly green: GreenMix;
}

export const CLUSTERS: readonly Cluster[] = [
  // West: cheap, green power for training and batch work.
  {
    id: "horinger",
    name: "Horinger",
    hub: "Inner Mongolia",
    province: "Inner Mongolia",
    region: "west",
    lat: 40.38,
    lon: 111.82,
    pue: 1.2,
    flatTariffYuanPerKwh: 0.3,
    touShape: "solar",
    green: { base: 0.2, solar: 0.25, wind: 0.35 },
  },
  {
    id: "guian",
    name: "Gui'an",
    hub: "Guizhou",
    province: "Guizhou",
    region: "west",
    lat: 26.42,
    lon: 106.43,
    pue: 1.2,
    flatTariffYuanPerKwh: 0.45,
    touShape: "standard",
    green: { base: 0.45, solar: 0.1, wind: 0.05 },
  },
  {
    id: "qingyang",
    name: "Qingyang",
    hub: "Gansu",
    province: "Gansu",
    region: "west",
    lat: 35.71,
    lon: 107.64,
    pue: 1.2,
    flatTariffYuanPerKwh: 0.35,
    touShape: "solar",
    green: { base: 0.15, solar: 0.35, wind: 0.25 },
  },
  {
    id: "zhongwei",
    name: "Zhongwei",
    hub: "Ningxia",
    province: "Ningxia",
    region: "west",
    lat: 37.5,
    lon: 105.19,
    pue: 1.2,
    flatTariffYuanPerKwh: 0.33,
    touShape: "solar",
    green: { base: 0.15, solar: 0.4, wind: 0.2 },
  },
  // East: near users, for latency-sensitive inference.
  {
    id: "zhangjiakou",
    name: "Zhangjiakou",
    hub: "Beijing-Tianjin-Hebei",
    province: "Hebei",
    region: "east",
    lat: 40.77,
    lon: 114.89,
    pue: 1.25,
    flatTariffYuanPerKwh: 0.5,
    touShape: "standard",
    green: { base: 0.2, solar: 0.25, wind: 0.3 },
  },
  {
    id: "wuhu",
    name: "Wuhu",
    hub: "Yangtze River Delta",
    province: "Anhui",
    region: "east",
    lat: 31.35,
    lon: 118.43,
    pue: 1.25,
    flatTariffYuanPerKwh: 0.62,
    touShape: "standard",
    green: { base: 0.08, solar: 0.12, wind: 0.03 },
  },
  {
    id: "yangtze-delta",
    name: "Yangtze River Delta demonstration zone",
    hub: "Yangtze River Delta",
    province: "Shanghai / Jiangsu / Zhejiang",
    region: "east",
    lat: 31.0,
    lon: 120.9,
    pue: 1.25,
    flatTariffYuanPerKwh: 0.68,
    touShape: "standard",
    green: { base: 0.08, solar: 0.12, wind: 0.05 },
  },
  {
    id: "shaoguan",
    name: "Shaoguan",
    hub: "Guangdong-Hong Kong-Macao",
    province: "Guangdong",
    region: "east",
    lat: 24.81,
    lon: 113.6,
    pue: 1.25,
    flatTariffYuanPerKwh: 0.65,
    touShape: "standard",
    green: { base: 0.2, solar: 0.1, wind: 0.05 },
  },
  {
    id: "tianfu",
    name: "Tianfu",
    hub: "Chengdu-Chongqing",
    province: "Sichuan",
    region: "east",
    lat: 30.4,
    lon: 104.07,
    pue: 1.25,
    flatTariffYuanPerKwh: 0.55,
    touShape: "standard",
    green: { base: 0.7, solar: 0.05, wind: 0.03 },
  },
  {
    id: "chongqing",
    name: "Chongqing",
    hub: "Chengdu-Chongqing",
    province: "Chongqing",
    region: "east",
    lat: 29.56,
    lon: 106.55,
    pue: 1.25,
    flatTariffYuanPerKwh: 0.6,
    touShape: "standard",
    green: { base: 0.3, solar: 0.05, wind: 0.03 },
  },
];

/** Demand origins: big eastern and central cities (approximate city centres). */
export interface Origin {
  readonly id: string;
  readonly name: string;
  readonly lat: number;
  readonly lon: number;
}

export const ORIGINS: readonly Origin[] = [
  { id: "beijing", name: "Beijing", lat: 39.9, lon: 116.4 },
  { id: "tianjin", name: "Tianjin", lat: 39.13, lon: 117.2 },
  { id: "shanghai", name: "Shanghai", lat: 31.23, lon: 121.47 },
  { id: "hangzhou", name: "Hangzhou", lat: 30.27, lon: 120.15 },
  { id: "nanjing", name: "Nanjing", lat: 32.06, lon: 118.8 },
  { id: "guangzhou", name: "Guangzhou", lat: 23.13, lon: 113.26 },
  { id: "shenzhen", name: "Shenzhen", lat: 22.54, lon: 114.06 },
  { id: "wuhan", name: "Wuhan", lat: 30.59, lon: 114.31 },
  { id: "chengdu", name: "Chengdu", lat: 30.57, lon: 104.07 },
  { id: "chongqing", name: "Chongqing", lat: 29.56, lon: 106.55 },
  { id: "xian", name: "Xi'an", lat: 34.34, lon: 108.94 },
  { id: "zhengzhou", name: "Zhengzhou", lat: 34.75, lon: 113.63 },
];

const clustersById = new Map(CLUSTERS.map((c) => [c.id, c]));
const originsById = new Map(ORIGINS.map((o) => [o.id, o]));

export function findCluster(id: string): Cluster | undefined {
  return clustersById.get(id);
}

export function findOrigin(id: string): Origin | undefined {
  return originsById.get(id);
}
