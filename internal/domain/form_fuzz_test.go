package domain_test

import (
	"encoding/json"
	"errors"
	"strings"
	"testing"

	"github.com/tremplin/tremplin/internal/domain"
)

// formRequireInvalid fails unless err is nil or a *domain.Error coded invalid:
// anything else would surface as a 500 instead of field errors.
func formRequireInvalid(t *testing.T, err error) {
	t.Helper()
	if err == nil {
		return
	}
	var de *domain.Error
	if !errors.As(err, &de) || de.Code != domain.CodeInvalid {
		t.Fatalf("want an invalid *domain.Error, got %T %v", err, err)
	}
	for _, f := range de.Fields {
		if f.Field == "" || f.Code == "" || f.Message == "" {
			t.Fatalf("incomplete field error %+v", f)
		}
	}
}

func FuzzFormSchemaValidate(f *testing.F) {
	f.Add(formRichSchemaJSON)
	f.Add(`{"fields":[]}`)
	f.Add(`{"fields":[{"key":"a","type":"yes_no","label":"A","show_if":{"field":"a","equals":true}}]}`)
	f.Add(`{"fields":[{"key":"a","type":"repeatable","label":"A","fields":[{"key":"b","type":"repeatable","label":"B","fields":[{"key":"c","type":"section","label":"C","show_if":{"field":"a","in":[null,1,"x",[],{}]}}]}]}]}`)
	f.Add(`{"fields":[{"key":"d","type":"date","label":"D","min_date":"2025-13-01","max_date":"0000-00-00","min":-9223372036854775808,"max":9223372036854775807}]}`)
	f.Add(`{"fields":[{"key":"m","type":"multiple_choice","label":"M","min":5,"options":[{"value":"x","label":"X"},{"value":"x","label":""}]},{"key":"n","type":"integer","label":"N","show_if":{"field":"m","equals":1e400}}]}`)
	f.Fuzz(func(t *testing.T, data string) {
		var s domain.FormSchema
		if json.Unmarshal([]byte(data), &s) != nil {
			return
		}
		err := s.Validate()
		formRequireInvalid(t, err)
		if err != nil {
			return
		}
		// A form the builder accepts must be usable: validating answers and
		// computing visibility on it must not panic either.
		var answers map[string]any
		_ = json.Unmarshal([]byte(data), &answers)
		formRequireInvalid(t, s.ValidateAnswers(answers, domain.ModeSubmit))
		formRequireInvalid(t, s.ValidateAnswers(nil, domain.ModeDraft))
		_ = domain.VisibleFields(s, answers)
	})
}

func FuzzValidateAnswers(f *testing.F) {
	f.Add(formRichAnswersJSON, false)
	f.Add(`{}`, true)
	f.Add(`{"count":1e400,"kind":1e400}`, true)
	f.Add(`{"title":null,"count":1e400,"amount":-0.0,"start":"2025-02-30","publics":[1,null,"young","young"],"cofunded":"true"}`, false)
	f.Add(`{"actions":[null,{},{"paid":true,"price":"1"},[],{"for_young":{"a":[1]}}],"docs":[-1,1.5,9223372036854775808],"publics":["young"]}`, true)
	f.Add(`{"phone":"+33(0)","siret":"35600000000015","commune":"","contact":"@","intro":[],"summary":"`+strings.Repeat("é", 60)+`"}`, false)
	var schema domain.FormSchema
	if err := json.Unmarshal([]byte(formRichSchemaJSON), &schema); err != nil {
		f.Fatal(err)
	}
	f.Fuzz(func(t *testing.T, data string, useNumber bool) {
		dec := json.NewDecoder(strings.NewReader(data))
		if useNumber {
			dec.UseNumber()
		}
		var answers map[string]any
		if dec.Decode(&answers) != nil {
			return
		}
		for _, mode := range []domain.AnswerMode{domain.ModeDraft, domain.ModeSubmit} {
			formRequireInvalid(t, schema.ValidateAnswers(answers, mode))
		}
		// Whatever a draft holds, merging it with itself changes nothing.
		merged, conflicts := domain.MergeAnswers(answers, answers, answers)
		if len(conflicts) != 0 || len(merged) != len(answers) {
			t.Fatalf("self-merge: %d conflicts, %d of %d keys", len(conflicts), len(merged), len(answers))
		}
	})
}
