// Original file: tokengrid/node/v1/node.proto


/**
 * EnergyProfile is what the node's power costs and how green it is. A field
 * left 0 takes the cluster's value.
 */
export interface EnergyProfile {
  /**
   * Power usage effectiveness of the data center, 1..3.
   */
  'pue'?: (number | string);
  /**
   * Flat-period electricity price in yuan per kWh; the cluster's time-of-use
   * shape scales it by the hour.
   */
  'tariffYuanPerKwh'?: (number | string);
  /**
   * Share of the power that is renewable, 0..1, when the node buys its own
   * (e.g. a green power contract); replaces the cluster's hourly curve.
   */
  'greenShare'?: (number | string);
}

/**
 * EnergyProfile is what the node's power costs and how green it is. A field
 * left 0 takes the cluster's value.
 */
export interface EnergyProfile__Output {
  /**
   * Power usage effectiveness of the data center, 1..3.
   */
  'pue': (number);
  /**
   * Flat-period electricity price in yuan per kWh; the cluster's time-of-use
   * shape scales it by the hour.
   */
  'tariffYuanPerKwh': (number);
  /**
   * Share of the power that is renewable, 0..1, when the node buys its own
   * (e.g. a green power contract); replaces the cluster's hourly curve.
   */
  'greenShare': (number);
}
