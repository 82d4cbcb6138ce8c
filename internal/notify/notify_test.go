package notify_test

import (
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/tremplin/tremplin/internal/notify"
)

func TestRenderFrenchTemplateEscapesHTML(t *testing.T) {
	t.Parallel()
	at := time.Date(2027, 3, 31, 15, 0, 0, 0, time.UTC)
	r, err := notify.Render("test", map[string]any{"Name": "<b>Karim</b>", "At": at, "OrgName": "Département"})
	require.NoError(t, err)
	require.Equal(t, "Test d'envoi Tremplin", r.Subject)
	require.Contains(t, r.Text, "Bonjour <b>Karim</b>")
	require.Contains(t, r.Text, "31/03/2027 à 17:00", "times are shown in Europe/Paris")
	require.Contains(t, r.HTML, "&lt;b&gt;Karim&lt;/b&gt;", "HTML bodies escape data")
	_, err = notify.Render("nope", nil)
	require.Error(t, err)
	_, err = notify.Render("test", map[string]any{"OrgName": "x"})
	require.Error(t, err, "a missing key is an error, not an empty string")
}
