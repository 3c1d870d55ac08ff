package store

// wakeSequencer tells the sequencer that a transaction committed, so that it
// sequences the transaction's changes now instead of at its next poll. It
// never blocks: one pending signal covers every commit before it is taken.
func (s *Store) wakeSequencer() {
	select {
	case s.sequencerWake <- struct{}{}:
	default:
	}
}
