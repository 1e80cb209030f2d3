/** A group of members to act on, with the money at stake and what to do. */
export interface ActionSegment {
  readonly segment:
    'upgrade-opportunity' | 'downgrade-risk' | 'win-back' | 'expiring-points' | 'never-redeemed';
  /** Members in the segment (sum of counts). */
  readonly size: number;
  /** Money at stake, as `valueDefinition` says (in the unit of the money inputs). */
  readonly valueAtStake: number;
  readonly valueDefinition: string;
  /** Suggested play, one line. */
  readonly play: string;
  /** 1 for input rows in the segment (for drill-downs and member exports), 0 otherwise. */
  readonly rows: Uint8Array;
  /** The value at stake of each input row (its weight included; 0 outside the segment): drill-downs sum it by group. */
  readonly values: Float64Array;
  /** The thresholds used, defaults resolved (for the report and the change log). */
  readonly thresholds: Readonly<Record<string, number>>;
}

/** A tier's thresholds on the qualifying measure (spend or points in the qualification period). */
export interface TierThreshold {
  readonly name: string;
  /** Qualifying value needed to reach this tier. */
  readonly qualify: number;
  /** Qualifying value needed to keep it at requalification (default: `qualify`). */
  readonly retain?: number;
}
