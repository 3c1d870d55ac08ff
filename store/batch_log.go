package store

import (
	"fmt"

	"gorm.io/gorm"
)

// LogResult is the outcome of one request of BatchLogInteractions: the stored
// entry, or the error LogInteraction would give for the request.
type LogResult struct {
	Entry InteractionLogEntry
	// Err is the request's *Error; Entry is unset then.
	Err error
}

// ItemError is the failure of an all-or-nothing BatchLogInteractions on one of
// its requests: Err is what LogInteraction gives for that request, Index its
// position in the batch.
type ItemError struct {
	Index int
	Err   error
}

func (e *ItemError) Error() string { return fmt.Sprintf("requests[%d]: %v", e.Index, e.Err) }

// Unwrap exposes the request's error, so that errors.As finds its *Error.
func (e *ItemError) Unwrap() error { return e.Err }

// BatchLogInteractions logs a batch of interactions in one transaction, each
// through the pipeline with the checks and errors of LogInteraction (drafts
// included), their entry numbers increasing in request order. The batch's
// contacts, templates and own attachments are read in a few statements (IN
// lists), and its entries, drafts and comments written with multi-row
// INSERTs, as LogSegment does; the batch is at most a LogSegment batch of
// lines, so memory is bounded by the request.
//
// With allOrNothing, the first request that fails fails the call with an
// *ItemError and nothing is logged. Otherwise the valid requests are logged
// and each invalid one gets its error in its LogResult. Errors of the
// database fail the call in both modes.
func (tx *Tx) BatchLogInteractions(reqs []LogRequest, allOrNothing bool) ([]LogResult, error) {
	var results []LogResult
	err := tx.run(func(db *gorm.DB) error {
		results = make([]LogResult, len(reqs)) // anew on a retried transaction
		contacts, templates, err := loadBatchInputs(db, reqs)
		if err != nil {
			return err
		}
		attachments, err := shareAttachments(db, reqs)
		if err != nil {
			return err
		}
		user, now := tx.user(), nowMicros()
		pending := make([]pendingEntry, 0, len(reqs))
		positions := make([]int, 0, len(reqs)) // the request of each pending entry
		for i, r := range reqs {
			p, err := buildLogged(r, contacts[r.ContactNo], templates[r.TemplateCode], attachments, user, now)
			if err != nil && allOrNothing {
				return &ItemError{Index: i, Err: err}
			}
			if err != nil {
				results[i].Err = err
				continue
			}
			pending = append(pending, p)
			positions = append(positions, i)
		}
		if err := tx.insertLogged(pending); err != nil {
			return err
		}
		for j, p := range pending {
			results[positions[j]].Entry = p.Entry
		}
		return nil
	})
	return results, err
}

// loadBatchInputs reads the contacts (share-locked, as LogInteraction locks
// its contact) and the templates with their language rows that a batch
// names. Missing ones are absent from the maps.
func loadBatchInputs(tx *gorm.DB, reqs []LogRequest) (map[string]Contact, map[string]TemplateRows, error) {
	contactNos := make([]string, len(reqs))
	templateCodes := make([]string, len(reqs))
	for i, r := range reqs {
		contactNos[i], templateCodes[i] = r.ContactNo, r.TemplateCode
	}
	contacts, err := shareContacts(tx, contactNos)
	if err != nil {
		return nil, nil, err
	}
	templates, err := loadTemplateRows(tx, templateCodes)
	return contacts, templates, err
}
