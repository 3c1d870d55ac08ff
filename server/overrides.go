package server

import (
	_ "time/tzdata" // time zones are checked even where the system has no tz database

	"google.golang.org/protobuf/types/known/durationpb"

	apiv1 "github.com/interlog/interlog/gen/interlog/v1"
	"github.com/interlog/interlog/store"
)

// overridesToAPI is the inverse of overridesFromAPI.
func overridesToAPI(o store.Overrides) *apiv1.InteractionOverrides {
	out := &apiv1.InteractionOverrides{
		TimeZone: o.TimeZone, Description: o.Description, Subject: o.Subject, ContactVia: o.ContactVia,
		CampaignNo: o.CampaignNo, CampaignTarget: o.CampaignTarget, CampaignResponse: o.CampaignResponse,
		SalespersonCode: o.SalespersonCode, LanguageCode: o.LanguageCode, AttemptFailed: o.AttemptFailed,
		OpportunityNo: o.OpportunityNo, TaskNo: o.TaskNo,
		InformationFlow:    enumFromStore[apiv1.InformationFlow](o.InformationFlow),
		InitiatedBy:        enumFromStore[apiv1.InitiatedBy](o.InitiatedBy),
		CorrespondenceType: enumFromStore[apiv1.CorrespondenceType](o.CorrespondenceType),
		Evaluation:         enumFromStore[apiv1.Evaluation](o.Evaluation),
		DeliveryStatus:     enumFromStore[apiv1.DeliveryStatus](o.DeliveryStatus),
	}
	if o.InteractionTime != nil {
		out.InteractionTime = timestamp(*o.InteractionTime)
	}
	if o.CostMicros != nil {
		out.Cost = new(formatMoney(*o.CostMicros))
	}
	if o.DurationSeconds != nil {
		out.Duration = seconds(*o.DurationSeconds)
	}
	return out
}

// enumFromStore converts an optional stored enum number back.
func enumFromStore[E ~int32](n *int16) *E {
	if n == nil {
		return nil
	}
	return new(E(*n))
}

// parseOptionalMoney is parseMoney for an amount that may be absent (nil).
func parseOptionalMoney(field string, s *string) (*int64, error) {
	if s == nil {
		return nil, nil
	}
	micros, err := parseMoney(field, *s)
	return &micros, err
}

// parseOptionalDuration is parseDuration for a duration that may be absent (nil).
func parseOptionalDuration(field string, d *durationpb.Duration) (*int64, error) {
	if d == nil {
		return nil, nil
	}
	secs, err := parseDuration(field, d)
	return &secs, err
}
