// Original file: tokengrid/node/v1/node.proto


/**
 * EnergyProfile is what the node's power costs and how green it is.
 */
export interface EnergyProfile {
  /**
   * Power usage effectiveness of the data center, >= 1.
   */
  'pue'?: (number | string);
  /**
   * Electricity price in yuan per kWh.
   */
  'tariffYuanPerKwh'?: (number | string);
  /**
   * Share of the power that is renewable, 0..1.
   */
  'greenShare'?: (number | string);
}

/**
 * EnergyProfile is what the node's power costs and how green it is.
 */
export interface EnergyProfile__Output {
  /**
   * Power usage effectiveness of the data center, >= 1.
   */
  'pue': (number);
  /**
   * Electricity price in yuan per kWh.
   */
  'tariffYuanPerKwh': (number);
  /**
   * Share of the power that is renewable, 0..1.
   */
  'greenShare': (number);
}
