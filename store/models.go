package store

// The models mirror the tables of migrations/0001_init.*.sql one to one; a
// test checks that the migrated schema has exactly these columns. Times are
// Unix microseconds (UTC), money is micros, durations are seconds. Enum fields
// hold the API's enum numbers.

// InteractionGroup is a row of interaction_groups.
type InteractionGroup struct {
	Code        string `gorm:"primaryKey"`
	Description string
	Etag        string
	UserID      string
	CreateTime  int64
	UpdateTime  int64
}

// InteractionTemplate is a row of interaction_templates.
type InteractionTemplate struct {
	Code                            string `gorm:"primaryKey"`
	GroupCode                       string
	Description                     string
	UnitCostMicros                  int64
	UnitDurationSeconds             int64
	InformationFlow                 int16
	InitiatedBy                     int16
	CampaignNo                      string
	CampaignTarget                  bool
	CampaignResponse                bool
	CorrespondenceType              int16
	IgnoreContactCorrespondenceType bool
	LanguageCodeDefault             string
	WizardAction                    int16
	AttachmentID                    *int64
	Etag                            string
	UserID                          string
	CreateTime                      int64
	UpdateTime                      int64
}

// InteractionTemplateLanguage is a row of interaction_template_languages.
type InteractionTemplateLanguage struct {
	TemplateCode string `gorm:"primaryKey"`
	LanguageCode string `gorm:"primaryKey"`
	Description  string
	AttachmentID *int64
	UserID       string
	CreateTime   int64
	UpdateTime   int64
}

// TemplateSetupSlot is a row of interaction_template_setup: one filled slot.
type TemplateSetupSlot struct {
	Slot         string `gorm:"primaryKey"`
	TemplateCode string
	UserID       string
	UpdateTime   int64
}

// TableName implements gorm's Tabler.
func (TemplateSetupSlot) TableName() string { return "interaction_template_setup" }

// Contact is a row of contacts.
type Contact struct {
	No                 string `gorm:"primaryKey"`
	Type               int16
	DisplayName        string
	CompanyNo          string
	LanguageCode       string
	CorrespondenceType int16
	SalespersonCode    string
	Email              string
	Phone              string
	PrivacyBlocked     bool
	Etag               string
	UserID             string
	CreateTime         int64
	UpdateTime         int64
}

// InteractionLogEntry is a row of interaction_log_entries.
type InteractionLogEntry struct {
	EntryNo              int64 `gorm:"primaryKey;autoIncrement"`
	ContactNo            string
	ContactCompanyNo     string
	InteractionTime      int64
	TimeZone             string
	Description          string
	Subject              string
	InformationFlow      int16
	InitiatedBy          int16
	AttachmentID         *int64
	CostMicros           int64
	DurationSeconds      int64
	UserID               string
	GroupCode            string
	TemplateCode         string
	LanguageCode         string
	CampaignNo           string
	CampaignTarget       bool
	CampaignResponse     bool
	SegmentNo            string
	LoggedSegmentEntryNo *int64
	Evaluation           int16
	AttemptFailed        bool
	TaskNo               string
	SalespersonCode      string
	DeliveryStatus       int16
	Canceled             bool
	Postponed            bool
	CorrespondenceType   int16
	ContactVia           string
	DocumentType         int16
	DocumentNo           string
	VersionNo            int32
	DocNoOccurrence      int32
	OpportunityNo        string
	CommentCount         int32
	CreateTime           int64
	UpdateTime           int64
}

// InteractionLogComment is a row of interaction_log_comments.
type InteractionLogComment struct {
	ID          int64 `gorm:"primaryKey;autoIncrement"`
	EntryNo     int64
	CommentDate string // YYYY-MM-DD
	Text        string
	UserID      string
	CreateTime  int64
	UpdateTime  int64
}

// PostponedInteraction is a row of postponed_interactions: the overrides
// (JSON of Overrides) a postponed entry was logged with.
type PostponedInteraction struct {
	EntryNo   int64 `gorm:"primaryKey;autoIncrement:false"`
	Overrides string
}

// Segment is a row of segments.
type Segment struct {
	No                              string `gorm:"primaryKey"`
	Description                     string
	TemplateCode                    string
	CampaignNo                      string
	CampaignTarget                  bool
	CampaignResponse                bool
	SalespersonCode                 string
	InteractionTime                 *int64
	CorrespondenceType              int16
	IgnoreContactCorrespondenceType bool
	InformationFlow                 int16
	InitiatedBy                     int16
	UnitCostMicros                  *int64
	UnitDurationSeconds             *int64
	LanguageCode                    string
	Subject                         string
	Etag                            string
	UserID                          string
	CreateTime                      int64
	UpdateTime                      int64
}

// SegmentLine is a row of segment_lines. Overrides is stored as JSON.
type SegmentLine struct {
	LineNo       int64 `gorm:"primaryKey;autoIncrement"`
	SegmentNo    string
	ContactNo    string
	TemplateCode *string
	Overrides    Overrides `gorm:"serializer:json"`
	UserID       string
	CreateTime   int64
	UpdateTime   int64
}

// LoggedSegment is a row of logged_segments. InteractionCount is stored as
// the number of entries linked to it (LogSegment sets it, deleting canceled
// entries lowers it); reads replace it with the number of those entries that
// share the logged segment's canceled state (countInteractions), which is
// what the API returns.
type LoggedSegment struct {
	EntryNo          int64 `gorm:"primaryKey;autoIncrement"`
	SegmentNo        string
	Description      string
	UserID           string
	CreateTime       int64
	Canceled         bool
	InteractionCount int64
}

// AttachmentBlob is a row of attachment_blobs: content stored once per SHA-256.
type AttachmentBlob struct {
	ID         int64 `gorm:"primaryKey;autoIncrement"`
	Sha256     *string
	SizeBytes  int64
	Complete   bool
	CreateTime int64
}

// AttachmentChunk is a row of attachment_chunks.
type AttachmentChunk struct {
	BlobID int64 `gorm:"primaryKey;autoIncrement:false"`
	Seq    int32 `gorm:"primaryKey;autoIncrement:false"`
	Data   []byte
}

// Attachment is a row of attachments: a named file pointing at a blob.
type Attachment struct {
	ID          int64 `gorm:"primaryKey;autoIncrement"`
	BlobID      int64
	FileName    string
	ContentType string
	SizeBytes   int64
	Sha256      string
	ReadOnly    bool
	UserID      string
	CreateTime  int64
}

// IdempotencyKey is a row of request_ids: the record of a request that
// carried a request id, keyed by principal, method and id (RequestKey).
type IdempotencyKey struct {
	Principal   string `gorm:"primaryKey"`
	Method      string `gorm:"primaryKey"`
	RequestID   string `gorm:"primaryKey"`
	RequestHash string
	Response    []byte
	CreateTime  int64
}

// TableName is request_ids: the table idempotency_keys, keyed without the
// principal, was replaced (migration 0005).
func (IdempotencyKey) TableName() string { return "request_ids" }

// allModels lists every model, for the schema test.
var allModels = []any{
	&InteractionGroup{}, &InteractionTemplate{}, &InteractionTemplateLanguage{},
	&TemplateSetupSlot{}, &Contact{}, &InteractionLogEntry{}, &InteractionLogComment{},
	&Segment{}, &SegmentLine{}, &LoggedSegment{}, &AttachmentBlob{}, &AttachmentChunk{},
	&Attachment{}, &IdempotencyKey{}, &PostponedInteraction{}, &changeRow{}, &changeSequencerRow{},
}
