package app

import (
	"archive/zip"
	"bytes"
	"errors"
	"io"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/tremplin/tremplin/internal/domain"
)

// zipFile builds a ZIP container with the given entries in order; a
// "mimetype" entry is stored uncompressed as OpenDocument requires.
func zipFile(t *testing.T, entries ...[2]string) []byte {
	t.Helper()
	var buf bytes.Buffer
	zw := zip.NewWriter(&buf)
	for _, e := range entries {
		method := zip.Deflate
		if e[0] == "mimetype" {
			method = zip.Store
		}
		w, err := zw.CreateHeader(&zip.FileHeader{Name: e[0], Method: method})
		require.NoError(t, err)
		_, err = w.Write([]byte(e[1]))
		require.NoError(t, err)
	}
	require.NoError(t, zw.Close())
	return buf.Bytes()
}

const (
	docxTypes = `<?xml version="1.0"?><Types><Override PartName="/word/document.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"/></Types>`
	xlsxTypes = `<?xml version="1.0"?><Types><Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/></Types>`
	docmTypes = `<?xml version="1.0"?><Types><Override PartName="/word/document.xml" ContentType="application/vnd.ms-word.document.macroEnabled.main+xml"/></Types>`
)

// Sample contents of every accepted format, and of hostile ones.
func samples(t *testing.T) map[string][]byte {
	return map[string][]byte{
		"pdf":  []byte("%PDF-1.7\n%âãÏÓ\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"),
		"png":  append([]byte("\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR"), make([]byte, 32)...),
		"jpeg": append([]byte{0xff, 0xd8, 0xff, 0xe0, 0x00, 0x10, 'J', 'F', 'I', 'F'}, make([]byte, 32)...),
		"odt":  zipFile(t, [2]string{"mimetype", "application/vnd.oasis.opendocument.text"}, [2]string{"content.xml", "<office/>"}),
		"ods":  zipFile(t, [2]string{"mimetype", "application/vnd.oasis.opendocument.spreadsheet"}, [2]string{"content.xml", "<office/>"}),
		"docx": zipFile(t, [2]string{"_rels/.rels", "<Relationships/>"}, [2]string{"[Content_Types].xml", docxTypes}, [2]string{"word/document.xml", "<w/>"}),
		"xlsx": zipFile(t, [2]string{"[Content_Types].xml", xlsxTypes}, [2]string{"xl/workbook.xml", "<wb/>"}),
		"csv":  []byte("commune;bénéficiaires\nSaint-Denis;42\nÉpinay-sur-Seine;17\n"),
		"exe":  append([]byte("MZ\x90\x00\x03\x00\x00\x00"), make([]byte, 64)...),
		"elf":  append([]byte("\x7fELF\x02\x01\x01"), make([]byte, 64)...),
		"docm": zipFile(t, [2]string{"[Content_Types].xml", docmTypes}, [2]string{"word/document.xml", "<w/>"}),
		"zip":  zipFile(t, [2]string{"photo.jpg", "not really"}),
		"bin":  {0x00, 0x01, 0x02, 0xfe, 0xff},
	}
}

func TestSniffDecidesTheTypeByContent(t *testing.T) {
	t.Parallel()
	want := map[string]string{"pdf": "pdf", "png": "png", "jpeg": "jpeg", "odt": "odt", "ods": "ods", "docx": "docx",
		"xlsx": "xlsx", "csv": "csv", "exe": "exe", "elf": "exe", "docm": "zip", "zip": "zip", "bin": "unknown"}
	for name, body := range samples(t) {
		kind, head, err := sniff(bytes.NewReader(body))
		require.NoError(t, err, name)
		require.Equal(t, want[name], kind, name)
		require.Equal(t, body[:len(head)], head, "%s: the bytes read are returned for replay", name)
	}
	kind, _, err := sniff(bytes.NewReader(nil))
	require.NoError(t, err)
	require.Equal(t, "empty", kind)
}

func TestSniffReadsOnlyTheStartOfLargeFiles(t *testing.T) {
	t.Parallel()
	// A 50 MiB PDF: sniffing reads a few kilobytes, never the whole stream.
	r := &countingReader{r: io.MultiReader(strings.NewReader("%PDF-1.4\n"), zeroReader{}), limit: 50 << 20}
	kind, head, err := sniff(r)
	require.NoError(t, err)
	require.Equal(t, "pdf", kind)
	require.LessOrEqual(t, len(head), 16<<10)
	require.LessOrEqual(t, r.n, int64(16<<10))
}

type zeroReader struct{}

func (zeroReader) Read(p []byte) (int, error) { clear(p); return len(p), nil }

type countingReader struct {
	r        io.Reader
	n, limit int64
}

func (c *countingReader) Read(p []byte) (int, error) {
	if c.n >= c.limit {
		return 0, io.EOF
	}
	n, err := c.r.Read(p)
	c.n += int64(n)
	return n, err
}

func TestCleanFilename(t *testing.T) {
	t.Parallel()
	ok := map[string]string{
		"Statuts signés.pdf":                       "Statuts signés.pdf",
		"  Budget   prévisionnel\u00a0 2027.xlsx ": "Budget prévisionnel 2027.xlsx",
		"C:\\Users\\karim\\Documents\\rib.PDF":     "rib.PDF",
		"dossier/sous-dossier/compte-rendu.odt":    "compte-rendu.odt",
		"rapport.v2.pdf":                           "rapport.v2.pdf",
		"Re\u0301sume\u0301.pdf":                   "Résumé.pdf", // decomposed accents are recomposed (NFC)
		"devis: \"final\" ?.pdf":                   "devis_ _final_ _.pdf",
		"relevé.pdf.":                              "relevé.pdf",
		strings.Repeat("é", 200) + ".pdf":          strings.Repeat("é", 146) + ".pdf",
	}
	for in, want := range ok {
		got, _, err := CleanFilename(in)
		require.NoError(t, err, in)
		require.Equal(t, want, got, in)
	}
	_, ext, err := CleanFilename("Photo.JPEG")
	require.NoError(t, err)
	require.Equal(t, ".jpeg", ext)

	refused := map[string]string{
		"":                                "filename_missing",
		"   ":                             "filename_missing",
		".pdf":                            "filename_missing",
		"../../etc/passwd.pdf":            "filename_path",
		"..\\..\\windows\\system.ini.pdf": "filename_path",
		"rapport\x00.pdf":                 "filename_control",
		"rapport\n.pdf":                   "filename_control",
		"rapport\u202efdp.exe":            "filename_control", // right-to-left override: "rapportexe.pdf" on screen
		strings.Repeat("a", 296) + ".pdf": "filename_too_long",
		"rapport.pdf.exe":                 "filename_double_extension",
		"facture.exe.pdf":                 "filename_double_extension",
		"photo.JPG.js":                    "filename_double_extension",
		string([]byte{0xff, 0xfe, 'a', '.'}) + "pdf": "filename_encoding",
	}
	for in, reason := range refused {
		_, _, err := CleanFilename(in)
		var de *domain.Error
		require.True(t, errors.As(err, &de), "%q must be refused", in)
		require.Equal(t, reason, de.Reason, in)
		require.Equal(t, domain.CodeInvalid, de.Code)
		require.NotEmpty(t, de.Fields)
		require.Equal(t, "file", de.Fields[0].Field)
	}
}

func TestResolveTypeAgainstTheSlot(t *testing.T) {
	t.Parallel()
	pdfOnly := allowedTypes([]string{"pdf"})
	_, err := resolveType(".pdf", pdfOnly)
	require.NoError(t, err)
	_, err = resolveType(".png", pdfOnly)
	require.Equal(t, "type_not_allowed", domain.AsError(err).Reason)
	require.Contains(t, domain.AsError(err).Message, "PDF")
	_, err = resolveType(".exe", FileTypes)
	require.Equal(t, "type_not_accepted", domain.AsError(err).Reason)
	require.Contains(t, domain.AsError(err).Message, ".exe")
	_, err = resolveType("", FileTypes)
	require.Contains(t, domain.AsError(err).Message, "sans extension")

	// A slot may name formats by extension, key or MIME type.
	mixed := allowedTypes([]string{".JPG", "application/pdf", "xlsx", "inconnu"})
	require.Equal(t, "JPEG, PDF ou XLSX", typeLabels(mixed))
	require.Len(t, allowedTypes([]string{"inconnu"}), len(FileTypes), "a list naming nothing known allows every format")
}

func TestTextReaderRefusesBinaryAfterTheSniffedStart(t *testing.T) {
	t.Parallel()
	good := strings.Repeat("é;ü;ç\n", 5000) // multi-byte characters cut across reads
	_, err := io.Copy(io.Discard, &textReader{r: iotestHalfReader(strings.NewReader(good))})
	require.NoError(t, err)

	for name, body := range map[string]string{
		"nul byte":        strings.Repeat("a;b\n", 5000) + "\x00",
		"invalid utf-8":   strings.Repeat("a;b\n", 5000) + "\xff\xfe",
		"cut at the end":  strings.Repeat("a;b\n", 5000) + "\xc3",
		"latin-1 accents": strings.Repeat("a;b\n", 5000) + "caf\xe9\n",
	} {
		_, err := io.Copy(io.Discard, &textReader{r: iotestHalfReader(strings.NewReader(body))})
		require.Equal(t, "type_mismatch", domain.AsError(err).Reason, name)
	}
}

// iotestHalfReader returns reads of at most 7 bytes, to cut characters.
func iotestHalfReader(r io.Reader) io.Reader { return &smallReader{r} }

type smallReader struct{ r io.Reader }

func (s *smallReader) Read(p []byte) (int, error) {
	if len(p) > 7 {
		p = p[:7]
	}
	return s.r.Read(p)
}

func TestFrenchSize(t *testing.T) {
	t.Parallel()
	require.Equal(t, "10 Mo", FrenchSize(10<<20))
	require.Equal(t, "1,5 Mo", FrenchSize(3<<19))
	require.Equal(t, "1 Go", FrenchSize(1<<30))
	require.Equal(t, "512 ko", FrenchSize(512<<10))
	require.Equal(t, "12 octets", FrenchSize(12))
}
