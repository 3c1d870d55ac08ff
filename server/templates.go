package server

import (
	"context"

	"google.golang.org/protobuf/reflect/protoreflect"

	apiv1 "github.com/interlog/interlog/gen/interlog/v1"
	"github.com/interlog/interlog/store"
)

const (
	templateCollection   = "interactionTemplates"
	languageCollection   = "languages"
	attachmentCollection = "attachments"
	setupName            = "interactionTemplateSetup"
)

// templateService implements apiv1.InteractionTemplateServiceServer.
type templateService struct {
	apiv1.UnimplementedInteractionTemplateServiceServer
	store templateStore
}

// templateStore is what templateService needs of the store.
type templateStore interface {
	writeStore
	GetLanguage(ctx context.Context, templateCode, languageCode string) (store.InteractionTemplateLanguage, error)
	GetSetup(ctx context.Context) (store.Setup, error)
	GetTemplate(ctx context.Context, code string) (store.InteractionTemplate, error)
	ListLanguages(ctx context.Context, templateCode string, page store.Page) ([]store.InteractionTemplateLanguage, bool, error)
	ListTemplates(ctx context.Context, groupCode string, page store.Page) ([]store.InteractionTemplate, bool, error)
	TemplateTotals(ctx context.Context, templateCode string, r store.TimeRange) (store.Totals, error)
}

// templateUpdatable lists the fields UpdateInteractionTemplate may change.
var templateUpdatable = updatablePaths(store.TemplateUpdatable)

func (s *templateService) CreateInteractionTemplate(ctx context.Context, req *apiv1.CreateInteractionTemplateRequest) (*apiv1.CreateInteractionTemplateResponse, error) {
	in := req.GetInteractionTemplate()
	code, err := requireCode("interaction_template.code", in.GetCode(), shortCode)
	if err != nil {
		return nil, err
	}
	t, err := templateFromAPI(in, code, true)
	if err != nil {
		return nil, err
	}
	return write(ctx, s.store, req, func(tx *store.Tx) (*apiv1.CreateInteractionTemplateResponse, error) {
		out, err := tx.CreateTemplate(t)
		if err != nil {
			return nil, err
		}
		return &apiv1.CreateInteractionTemplateResponse{InteractionTemplate: templateToAPI(out)}, nil
	})
}

func (s *templateService) GetInteractionTemplate(ctx context.Context, req *apiv1.GetInteractionTemplateRequest) (*apiv1.GetInteractionTemplateResponse, error) {
	code, err := parseCodeName("name", req.GetName(), templateCollection, shortCode)
	if err != nil {
		return nil, err
	}
	t, err := s.store.GetTemplate(ctx, code)
	if err != nil {
		return nil, err
	}
	return &apiv1.GetInteractionTemplateResponse{InteractionTemplate: templateToAPI(t)}, nil
}

func (s *templateService) ListInteractionTemplates(ctx context.Context, req *apiv1.ListInteractionTemplatesRequest) (*apiv1.ListInteractionTemplatesResponse, error) {
	group := normalizeCode(req.GetInteractionGroupCode())
	p, err := newPager(req)
	if err != nil {
		return nil, err
	}
	rows, more, err := s.store.ListTemplates(ctx, group, p.page)
	if err != nil {
		return nil, err
	}
	resp := &apiv1.ListInteractionTemplatesResponse{}
	resp.InteractionTemplates, resp.NextPageToken = listPage(p, rows, more, templateToAPI,
		func(t store.InteractionTemplate) store.Page { return store.Page{AfterCode: t.Code} })
	return resp, nil
}

func (s *templateService) UpdateInteractionTemplate(ctx context.Context, req *apiv1.UpdateInteractionTemplateRequest) (*apiv1.UpdateInteractionTemplateResponse, error) {
	in := req.GetInteractionTemplate()
	code, err := parseCodeName("interaction_template.name", in.GetName(), templateCollection, shortCode)
	if err != nil {
		return nil, err
	}
	fields, err := maskFields(req.GetUpdateMask(), in, templateUpdatable)
	if err != nil {
		return nil, err
	}
	t, err := templateFromAPI(in, code, masked(fields, "interaction_group_code"))
	if err != nil {
		return nil, err
	}
	return write(ctx, s.store, req, func(tx *store.Tx) (*apiv1.UpdateInteractionTemplateResponse, error) {
		out, err := tx.UpdateTemplate(t, in.GetEtag(), fields)
		if err != nil {
			return nil, err
		}
		return &apiv1.UpdateInteractionTemplateResponse{InteractionTemplate: templateToAPI(out)}, nil
	})
}

func (s *templateService) DeleteInteractionTemplate(ctx context.Context, req *apiv1.DeleteInteractionTemplateRequest) (*apiv1.DeleteInteractionTemplateResponse, error) {
	code, err := parseCodeName("name", req.GetName(), templateCollection, shortCode)
	if err != nil {
		return nil, err
	}
	return write(ctx, s.store, req, func(tx *store.Tx) (*apiv1.DeleteInteractionTemplateResponse, error) {
		if err := tx.DeleteTemplate(code, req.GetEtag()); err != nil {
			return nil, err
		}
		return &apiv1.DeleteInteractionTemplateResponse{}, nil
	})
}

// templateFromAPI converts and checks the writable fields of a template.
// needGroup makes interaction_group_code required.
func templateFromAPI(in *apiv1.InteractionTemplate, code string, needGroup bool) (store.InteractionTemplate, error) {
	const p = "interaction_template."
	group := normalizeCode(in.GetInteractionGroupCode())
	if needGroup && group == "" {
		return store.InteractionTemplate{}, shortCode.violation(p + "interaction_group_code")
	}
	cost, err := parseMoney(p+"unit_cost", in.GetUnitCost())
	if err != nil {
		return store.InteractionTemplate{}, err
	}
	dur, err := parseDuration(p+"unit_duration", in.GetUnitDuration())
	if err != nil {
		return store.InteractionTemplate{}, err
	}
	campaign := normalizeCode(in.GetCampaignNo())
	lang := normalizeCode(in.GetLanguageCodeDefault())
	attachment, err := parseAttachmentRef(p+"attachment", in.GetAttachment())
	if err != nil {
		return store.InteractionTemplate{}, err
	}
	return store.InteractionTemplate{
		Code:                            code,
		GroupCode:                       group,
		Description:                     in.GetDescription(),
		UnitCostMicros:                  cost,
		UnitDurationSeconds:             dur,
		InformationFlow:                 int16(in.GetInformationFlow()),
		InitiatedBy:                     int16(in.GetInitiatedBy()),
		CampaignNo:                      campaign,
		CampaignTarget:                  in.GetCampaignTarget(),
		CampaignResponse:                in.GetCampaignResponse(),
		CorrespondenceType:              int16(in.GetCorrespondenceType()),
		IgnoreContactCorrespondenceType: in.GetIgnoreContactCorrespondenceType(),
		LanguageCodeDefault:             lang,
		WizardAction:                    int16(in.GetWizardAction()),
		AttachmentID:                    attachment,
	}, nil
}

func templateToAPI(t store.InteractionTemplate) *apiv1.InteractionTemplate {
	return &apiv1.InteractionTemplate{
		Name:                            codeName(templateCollection, t.Code),
		Code:                            t.Code,
		InteractionGroupCode:            t.GroupCode,
		Description:                     t.Description,
		UnitCost:                        formatMoney(t.UnitCostMicros),
		UnitDuration:                    seconds(t.UnitDurationSeconds),
		InformationFlow:                 apiv1.InformationFlow(t.InformationFlow),
		InitiatedBy:                     apiv1.InitiatedBy(t.InitiatedBy),
		CampaignNo:                      t.CampaignNo,
		CampaignTarget:                  t.CampaignTarget,
		CampaignResponse:                t.CampaignResponse,
		CorrespondenceType:              apiv1.CorrespondenceType(t.CorrespondenceType),
		IgnoreContactCorrespondenceType: t.IgnoreContactCorrespondenceType,
		LanguageCodeDefault:             t.LanguageCodeDefault,
		WizardAction:                    apiv1.WizardAction(t.WizardAction),
		Attachment:                      attachmentRef(t.AttachmentID),
		Etag:                            t.Etag,
		CreateTime:                      timestamp(t.CreateTime),
		UpdateTime:                      timestamp(t.UpdateTime),
	}
}

// parseAttachmentRef reads an optional "attachments/{id}" reference.
func parseAttachmentRef(field, name string) (*int64, error) {
	if name == "" {
		return nil, nil
	}
	id, err := parseNumberName(field, name, attachmentCollection)
	if err != nil {
		return nil, err
	}
	return &id, nil
}

// attachmentRef formats an optional attachment id as a resource name.
func attachmentRef(id *int64) string {
	if id == nil {
		return ""
	}
	return numberName(attachmentCollection, *id)
}

// languageName is "interactionTemplates/{code}/languages/{language}".
func languageName(templateCode, languageCode string) string {
	return codeName(templateCollection, templateCode) + "/" + codeName(languageCollection, languageCode)
}

// parseLanguageName reads a language row's name into normalized codes.
func parseLanguageName(field, name string) (string, string, error) {
	rawTemplate, rawLanguage, err := parseNestedName(field, name, templateCollection, languageCollection)
	if err != nil {
		return "", "", err
	}
	tmpl, err := nameCode(field, rawTemplate, shortCode)
	if err != nil {
		return "", "", err
	}
	lang, err := nameCode(field, rawLanguage, shortCode)
	return tmpl, lang, err
}

func (s *templateService) CreateInteractionTemplateLanguage(ctx context.Context, req *apiv1.CreateInteractionTemplateLanguageRequest) (*apiv1.CreateInteractionTemplateLanguageResponse, error) {
	tmpl, err := parseCodeName("parent", req.GetParent(), templateCollection, shortCode)
	if err != nil {
		return nil, err
	}
	in := req.GetInteractionTemplateLanguage()
	lang, err := requireCode("interaction_template_language.language_code", in.GetLanguageCode(), shortCode)
	if err != nil {
		return nil, err
	}
	attachment, err := parseAttachmentRef("interaction_template_language.attachment", in.GetAttachment())
	if err != nil {
		return nil, err
	}
	return write(ctx, s.store, req, func(tx *store.Tx) (*apiv1.CreateInteractionTemplateLanguageResponse, error) {
		out, err := tx.CreateLanguage(store.InteractionTemplateLanguage{
			TemplateCode: tmpl, LanguageCode: lang, Description: in.GetDescription(), AttachmentID: attachment,
		})
		if err != nil {
			return nil, err
		}
		return &apiv1.CreateInteractionTemplateLanguageResponse{InteractionTemplateLanguage: languageToAPI(out)}, nil
	})
}

func (s *templateService) GetInteractionTemplateLanguage(ctx context.Context, req *apiv1.GetInteractionTemplateLanguageRequest) (*apiv1.GetInteractionTemplateLanguageResponse, error) {
	tmpl, lang, err := parseLanguageName("name", req.GetName())
	if err != nil {
		return nil, err
	}
	out, err := s.store.GetLanguage(ctx, tmpl, lang)
	if err != nil {
		return nil, err
	}
	return &apiv1.GetInteractionTemplateLanguageResponse{InteractionTemplateLanguage: languageToAPI(out)}, nil
}

func (s *templateService) ListInteractionTemplateLanguages(ctx context.Context, req *apiv1.ListInteractionTemplateLanguagesRequest) (*apiv1.ListInteractionTemplateLanguagesResponse, error) {
	tmpl, err := parseCodeName("parent", req.GetParent(), templateCollection, shortCode)
	if err != nil {
		return nil, err
	}
	p, err := newPager(req)
	if err != nil {
		return nil, err
	}
	rows, more, err := s.store.ListLanguages(ctx, tmpl, p.page)
	if err != nil {
		return nil, err
	}
	resp := &apiv1.ListInteractionTemplateLanguagesResponse{}
	resp.InteractionTemplateLanguages, resp.NextPageToken = listPage(p, rows, more, languageToAPI,
		func(l store.InteractionTemplateLanguage) store.Page { return store.Page{AfterCode: l.LanguageCode} })
	return resp, nil
}

// languageUpdatable lists the fields UpdateInteractionTemplateLanguage may change.
var languageUpdatable = updatablePaths(store.LanguageUpdatable)

func (s *templateService) UpdateInteractionTemplateLanguage(ctx context.Context, req *apiv1.UpdateInteractionTemplateLanguageRequest) (*apiv1.UpdateInteractionTemplateLanguageResponse, error) {
	in := req.GetInteractionTemplateLanguage()
	tmpl, lang, err := parseLanguageName("interaction_template_language.name", in.GetName())
	if err != nil {
		return nil, err
	}
	fields, err := maskFields(req.GetUpdateMask(), in, languageUpdatable)
	if err != nil {
		return nil, err
	}
	attachment, err := parseAttachmentRef("interaction_template_language.attachment", in.GetAttachment())
	if err != nil {
		return nil, err
	}
	return write(ctx, s.store, req, func(tx *store.Tx) (*apiv1.UpdateInteractionTemplateLanguageResponse, error) {
		out, err := tx.UpdateLanguage(store.InteractionTemplateLanguage{
			TemplateCode: tmpl, LanguageCode: lang, Description: in.GetDescription(), AttachmentID: attachment,
		}, fields)
		if err != nil {
			return nil, err
		}
		return &apiv1.UpdateInteractionTemplateLanguageResponse{InteractionTemplateLanguage: languageToAPI(out)}, nil
	})
}

func (s *templateService) DeleteInteractionTemplateLanguage(ctx context.Context, req *apiv1.DeleteInteractionTemplateLanguageRequest) (*apiv1.DeleteInteractionTemplateLanguageResponse, error) {
	tmpl, lang, err := parseLanguageName("name", req.GetName())
	if err != nil {
		return nil, err
	}
	return write(ctx, s.store, req, func(tx *store.Tx) (*apiv1.DeleteInteractionTemplateLanguageResponse, error) {
		if err := tx.DeleteLanguage(tmpl, lang); err != nil {
			return nil, err
		}
		return &apiv1.DeleteInteractionTemplateLanguageResponse{}, nil
	})
}

func languageToAPI(l store.InteractionTemplateLanguage) *apiv1.InteractionTemplateLanguage {
	return &apiv1.InteractionTemplateLanguage{
		Name:         languageName(l.TemplateCode, l.LanguageCode),
		LanguageCode: l.LanguageCode,
		Description:  l.Description,
		Attachment:   attachmentRef(l.AttachmentID),
		CreateTime:   timestamp(l.CreateTime),
		UpdateTime:   timestamp(l.UpdateTime),
	}
}

func (s *templateService) GetInteractionTemplateSetup(ctx context.Context, _ *apiv1.GetInteractionTemplateSetupRequest) (*apiv1.GetInteractionTemplateSetupResponse, error) {
	setup, err := s.store.GetSetup(ctx)
	if err != nil {
		return nil, err
	}
	return &apiv1.GetInteractionTemplateSetupResponse{InteractionTemplateSetup: setupToAPI(setup)}, nil
}

func (s *templateService) UpdateInteractionTemplateSetup(ctx context.Context, req *apiv1.UpdateInteractionTemplateSetupRequest) (*apiv1.UpdateInteractionTemplateSetupResponse, error) {
	in := req.GetInteractionTemplateSetup()
	updatable := map[string]store.Field{}
	for _, slot := range store.SetupSlots {
		updatable[slot.Name] = store.Field(slot.Name)
	}
	slots, err := maskFields(req.GetUpdateMask(), in, updatable)
	if err != nil {
		return nil, err
	}
	m := in.ProtoReflect()
	changes := map[string]string{}
	for _, f := range slots {
		slot := string(f)
		raw := m.Get(m.Descriptor().Fields().ByName(protoreflect.Name(slot))).String()
		changes[slot] = normalizeCode(raw)
	}
	return write(ctx, s.store, req, func(tx *store.Tx) (*apiv1.UpdateInteractionTemplateSetupResponse, error) {
		setup, err := tx.UpdateSetup(changes, in.GetEtag())
		if err != nil {
			return nil, err
		}
		return &apiv1.UpdateInteractionTemplateSetupResponse{InteractionTemplateSetup: setupToAPI(setup)}, nil
	})
}

// setupToAPI fills each setup field from the slot of the same name.
func setupToAPI(setup store.Setup) *apiv1.InteractionTemplateSetup {
	out := &apiv1.InteractionTemplateSetup{Name: setupName, Etag: setup.Etag, UpdateTime: timestamp(setup.UpdateTime)}
	m := out.ProtoReflect()
	for slot, code := range setup.Templates {
		if f := m.Descriptor().Fields().ByName(protoreflect.Name(slot)); f != nil {
			m.Set(f, protoreflect.ValueOfString(code))
		}
	}
	return out
}

// GetInteractionTemplateStatistics totals the template's entries (SPEC §3);
// canceled and postponed entries never count.
func (s *templateService) GetInteractionTemplateStatistics(ctx context.Context, req *apiv1.GetInteractionTemplateStatisticsRequest) (*apiv1.GetInteractionTemplateStatisticsResponse, error) {
	code, err := parseCodeName("name", req.GetName(), templateCollection, shortCode)
	if err != nil {
		return nil, err
	}
	r, err := parseTimeRange(req.GetStartTime(), req.GetEndTime())
	if err != nil {
		return nil, err
	}
	t, err := s.store.TemplateTotals(ctx, code, r)
	if err != nil {
		return nil, err
	}
	return &apiv1.GetInteractionTemplateStatisticsResponse{Totals: totalsToAPI(t)}, nil
}
