// Lookups over the static catalogue from `welcome` (entries, rounds, judges, awards) and
// the per-round running order from `state`, so scenes can refer to things by id.
export class Catalogue {
  constructor(contest = {}) {
    this.contest = contest;
    this.entries = new Map((contest.entries || []).map((e) => [e.id, e]));
    this.rounds = new Map((contest.rounds || []).map((r) => [r.id, r]));
    this.judges = new Map((contest.judges || []).map((j) => [j.id, j]));
    this.awards = contest.awards || [];
    this.decimals = Number.isInteger(contest.decimals) ? contest.decimals : 2;
    this.judgeWeight = contest.judge_weight ?? 0.9;
    this.audienceWeight = contest.audience_weight ?? 0.1;
    // relative: votes against the round's most (provisional until close_audience);
    // rating: each entry rated 1..10 in its own rating poll.
    this.audienceMode = contest.audience_mode || 'relative';
    this.minRatings = contest.min_ratings ?? 10;
  }

  entry(id) {
    return this.entries.get(id) || { id, title: id || '', unit: '', form: '', theme: '' };
  }

  roundName(id) {
    return this.rounds.get(id)?.name || id || '';
  }

  judgeName(id, names) {
    return names?.[id] || this.judges.get(id)?.name || id;
  }

  // The running order of a round as the state has it now (a draw may have changed it).
  order(state, roundId) {
    const round = (state?.rounds || []).find((r) => r.id === roundId);
    if (round) return round.order.map((o) => (typeof o === 'string' ? { entry: o, status: 'pending' } : o));
    const fallback = this.contest.rounds?.find((r) => r.id === roundId)?.entries || [];
    return fallback.map((entry) => ({ entry, status: 'pending' }));
  }

  // 1-based position of an entry in its round's running order (null if not found).
  position(state, roundId, entryId) {
    const index = this.order(state, roundId).findIndex((o) => o.entry === entryId);
    return index < 0 ? null : index + 1;
  }

  // The round an entry belongs to, preferring the one on stage.
  roundOf(state, entryId) {
    if (state?.stage?.entry === entryId) return state.stage.round;
    for (const round of state?.rounds || []) {
      if (round.order.some((o) => (o.entry || o) === entryId)) return round.id;
    }
    return null;
  }
}
