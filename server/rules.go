package server

import (
	"fmt"

	"buf.build/gen/go/bufbuild/protovalidate/protocolbuffers/go/buf/validate"
	protovalidatecel "buf.build/go/protovalidate/cel"
	"cel.dev/cel-go/cel"
	"cel.dev/cel-go/common/types"
	"google.golang.org/protobuf/proto"
	"google.golang.org/protobuf/reflect/protoreflect"

	apiv1 "github.com/interlog/interlog/gen/interlog/v1"
)

// The predefined rules of validation.proto are the one definition of what a
// code, an amount of money, a duration and a time zone look like, and of the
// message that refuses one. protovalidate applies them to the fields that
// carry them before a handler runs, so the handlers only trim, upper-case and
// convert. The server reads a rule from the proto where protovalidate does
// not reach: a code inside a resource name (escaped there), a required code
// in a field that is blank in another request, a time zone that must also be
// known, a value that cannot be converted (a field that lacks its rule).
// Whichever way a rule is broken, the caller reads the same message.

// Code lengths of SPEC §1, as the rules of a non-blank code.
var (
	shortCode = compileStringRule(apiv1.E_Code10) // group, template, language
	longCode  = compileStringRule(apiv1.E_Code20) // contact, segment, campaign, salesperson, document, opportunity, task
)

// Messages of rules the server also refuses with: a value it cannot convert,
// a time zone of the right shape that is not known.
var (
	moneyMessage        = predefinedRule(apiv1.E_Money).GetMessage()
	wholeSecondsMessage = predefinedRule(apiv1.E_WholeSeconds).GetMessage()
	timeZoneMessage     = predefinedRule(apiv1.E_TimeZone).GetMessage()
)

// stringRule is a predefined string rule, compiled to check values that
// protovalidate does not see.
type stringRule struct {
	message string
	matches cel.Program
}

// check returns the rule's violation of field when value breaks it.
func (r stringRule) check(field, value string) error {
	out, _, err := r.matches.Eval(map[string]any{"rule": true, "this": value})
	if err != nil {
		return err
	}
	if out != types.True {
		return r.violation(field)
	}
	return nil
}

// violation is the rule's field violation of field.
func (r stringRule) violation(field string) error { return invalidField(field, r.message) }

// stringRuleEnv is the CEL environment protovalidate evaluates a predefined
// string rule in. Building it costs tens of milliseconds: it is built once.
var stringRuleEnv = func() *cel.Env {
	env, err := cel.NewEnv(cel.Lib(protovalidatecel.NewLibrary()),
		cel.Variable("rule", cel.BoolType), cel.Variable("this", cel.StringType))
	if err != nil {
		panic(err)
	}
	return env
}()

// compileStringRule compiles a predefined string rule.
func compileStringRule(ext protoreflect.ExtensionType) stringRule {
	rule := predefinedRule(ext)
	ast, issues := stringRuleEnv.Compile(rule.GetExpression())
	if issues.Err() != nil || ast.OutputType() != cel.BoolType {
		panic(fmt.Sprintf("rule %s: want a bool expression: %v", rule.GetId(), issues.Err()))
	}
	program, err := stringRuleEnv.Program(ast)
	if err != nil {
		panic(err)
	}
	return stringRule{message: rule.GetMessage(), matches: program}
}

// predefinedRule reads the one CEL rule that a predefined rule extension of
// validation.proto declares; its message is what a violation says.
func predefinedRule(ext protoreflect.ExtensionType) *validate.Rule {
	desc := ext.TypeDescriptor()
	rules, _ := proto.GetExtension(desc.Options(), validate.E_Predefined).(*validate.PredefinedRules)
	if len(rules.GetCel()) != 1 || rules.GetCel()[0].GetMessage() == "" {
		panic(fmt.Sprintf("%s: want one CEL rule with a message", desc.FullName()))
	}
	return rules.GetCel()[0]
}
