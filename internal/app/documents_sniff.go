package app

import (
	"bytes"
	"compress/flate"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"path"
	"strings"
	"unicode"
	"unicode/utf8"

	"golang.org/x/text/unicode/norm"

	"github.com/tremplin/tremplin/internal/domain"
)

// A document's type is decided by its content, never by what the browser
// claims, and must agree with the file name's extension: a program renamed
// "rapport.pdf" is refused before a byte reaches storage.

// FileType is a document format Tremplin accepts.
type FileType struct {
	Key   string   `json:"key"`
	Label string   `json:"label"`
	MIME  string   `json:"mime"`
	Exts  []string `json:"extensions"`
}

// FileTypes are the accepted formats, in the order they are listed to users.
var FileTypes = []FileType{
	{"pdf", "PDF", "application/pdf", []string{".pdf"}},
	{"png", "PNG", "image/png", []string{".png"}},
	{"jpeg", "JPEG", "image/jpeg", []string{".jpg", ".jpeg"}},
	{"odt", "ODT", "application/vnd.oasis.opendocument.text", []string{".odt"}},
	{"ods", "ODS", "application/vnd.oasis.opendocument.spreadsheet", []string{".ods"}},
	{"docx", "DOCX", "application/vnd.openxmlformats-officedocument.wordprocessingml.document", []string{".docx"}},
	{"xlsx", "XLSX", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", []string{".xlsx"}},
	{"csv", "CSV", "text/csv; charset=utf-8", []string{".csv"}},
}

// What a sniffed content is, in words, for refusals.
var contentLabels = map[string]string{
	"pdf": "document PDF", "png": "image PNG", "jpeg": "image JPEG", "odt": "texte OpenDocument (ODT)",
	"ods": "tableur OpenDocument (ODS)", "docx": "document Word (DOCX)", "xlsx": "classeur Excel (XLSX)",
	"csv": "texte", "exe": "programme exécutable", "zip": "archive ZIP", "unknown": "format non reconnu",
}

// fileTypeByKey finds a format by key, extension or MIME type ("pdf", ".jpg", "image/png").
func fileTypeByKey(s string) (FileType, bool) {
	s = strings.ToLower(strings.TrimSpace(s))
	for _, t := range FileTypes {
		if t.Key == s || strings.HasPrefix(t.MIME, s) && s != "" && strings.Contains(s, "/") {
			return t, true
		}
		for _, e := range t.Exts {
			if e == s || e[1:] == s {
				return t, true
			}
		}
	}
	return FileType{}, false
}

// allowedTypes turns a slot's list of formats into FileTypes (every format
// when the list is empty or names none Tremplin knows).
func allowedTypes(list []string) []FileType {
	var out []FileType
	seen := map[string]bool{}
	for _, s := range list {
		if t, ok := fileTypeByKey(s); ok && !seen[t.Key] {
			seen[t.Key] = true
			out = append(out, t)
		}
	}
	if len(out) == 0 {
		return FileTypes
	}
	return out
}

func typeLabels(ts []FileType) string {
	labels := make([]string, len(ts))
	for i, t := range ts {
		labels[i] = t.Label
	}
	if len(labels) == 1 {
		return labels[0]
	}
	return strings.Join(labels[:len(labels)-1], ", ") + " ou " + labels[len(labels)-1]
}

// fileError is a refusal of an uploaded file, attached to the "file" field.
func fileError(code domain.Code, reason, format string, args ...any) *domain.Error {
	msg := fmt.Sprintf(format, args...)
	return &domain.Error{Code: code, Reason: reason, Message: msg,
		Fields: []domain.FieldError{{Field: "file", Code: reason, Message: msg}}}
}

// Extensions that make a name a double extension when they appear inside it
// ("rapport.pdf.exe", "facture.exe.pdf"): documents and programs.
var riskyInnerExts = map[string]bool{
	"pdf": true, "png": true, "jpg": true, "jpeg": true, "odt": true, "ods": true, "docx": true, "xlsx": true, "csv": true,
	"doc": true, "xls": true, "txt": true, "zip": true, "exe": true, "bat": true, "cmd": true, "com": true, "scr": true,
	"js": true, "vbs": true, "msi": true, "ps1": true, "sh": true, "jar": true, "apk": true, "dll": true, "pif": true,
	"hta": true, "lnk": true, "php": true, "html": true, "htm": true, "svg": true, "docm": true, "xlsm": true,
}

// maxFilenameRunes refuses absurd names; keptFilenameRunes is what is kept.
const (
	maxFilenameRunes  = 255
	keptFilenameRunes = 150
)

// CleanFilename checks and sanitises an uploaded file's name: accents kept
// (NFC), a plain directory prefix dropped, spaces collapsed, at most 150
// characters with the extension kept. Traversal ("../"), control or
// invisible characters, a name over 255 characters and a double extension
// are refused with a precise message. It returns the name and its extension
// (lower case, with the dot).
func CleanFilename(raw string) (string, string, error) {
	if strings.TrimSpace(raw) == "" {
		return "", "", fileError(domain.CodeInvalid, "filename_missing", "Le nom du fichier est manquant.")
	}
	if !utf8.ValidString(raw) {
		return "", "", fileError(domain.CodeInvalid, "filename_encoding", "Le nom du fichier n'est pas un texte UTF-8 valide : renommez-le.")
	}
	if n := utf8.RuneCountInString(raw); n > maxFilenameRunes {
		return "", "", fileError(domain.CodeInvalid, "filename_too_long",
			"Le nom du fichier compte %d caractères, au-delà de la limite de %d : raccourcissez-le avant de l'envoyer.", n, maxFilenameRunes)
	}
	for _, r := range raw {
		if unicode.IsControl(r) || unicode.Is(unicode.Cf, r) {
			return "", "", fileError(domain.CodeInvalid, "filename_control",
				"Le nom du fichier contient des caractères de contrôle ou invisibles (U+%04X) : renommez-le avec des lettres, chiffres et tirets.", r)
		}
	}
	segments := strings.FieldsFunc(raw, func(r rune) bool { return r == '/' || r == '\\' })
	for _, s := range segments {
		if strings.TrimSpace(s) == ".." {
			return "", "", fileError(domain.CodeInvalid, "filename_path",
				"Le nom du fichier contient un chemin de dossier (« ../ ») : envoyez le fichier lui-même, sans chemin.")
		}
	}
	name := raw
	if len(segments) > 0 {
		name = segments[len(segments)-1]
	}
	name = norm.NFC.String(name)
	name = strings.Join(strings.Fields(name), " ")
	name = strings.Map(func(r rune) rune {
		if strings.ContainsRune(`<>:"|?*`, r) {
			return '_'
		}
		return r
	}, name)
	name = strings.TrimRight(name, ". ")
	ext := strings.ToLower(path.Ext(name))
	base := strings.TrimSuffix(name, name[len(name)-len(ext):])
	if strings.TrimSpace(strings.Trim(base, ".")) == "" {
		return "", "", fileError(domain.CodeInvalid, "filename_missing", "Le nom du fichier est vide en dehors de son extension : renommez-le.")
	}
	parts := strings.Split(base, ".")
	for _, p := range parts[1:] {
		if riskyInnerExts[strings.ToLower(strings.TrimSpace(p))] {
			return "", "", fileError(domain.CodeInvalid, "filename_double_extension",
				"Le nom du fichier comporte une double extension (« .%s%s ») : renommez-le avec une seule extension.", strings.ToLower(p), ext)
		}
	}
	if runes := []rune(base); len(runes)+utf8.RuneCountInString(ext) > keptFilenameRunes {
		base = strings.TrimRight(string(runes[:keptFilenameRunes-utf8.RuneCountInString(ext)]), " .")
	}
	return base + name[len(name)-len(ext):], ext, nil
}

// resolveType checks the extension against the accepted formats.
func resolveType(ext string, allowed []FileType) (FileType, error) {
	t, known := fileTypeByKey(ext)
	if ext == "" || !known {
		shown := ext
		if shown == "" {
			shown = "sans extension"
		}
		return FileType{}, fileError(domain.CodeInvalid, "type_not_accepted",
			"Le format « %s » n'est pas accepté. Formats acceptés : %s.", shown, typeLabels(allowed))
	}
	for _, a := range allowed {
		if a.Key == t.Key {
			return t, nil
		}
	}
	return FileType{}, fileError(domain.CodeInvalid, "type_not_allowed",
		"Ce document doit être au format %s (fichier « %s » reçu).", typeLabels(allowed), ext)
}

// sniffLimit bounds how much of a file is read to decide its type (a ZIP
// container may need its first entries).
const sniffLimit = 1 << 20

// peeker reads the start of a stream, keeping what it read for replay.
type peeker struct {
	r   io.Reader
	buf []byte
	eof bool
	err error
}

// need reads until n bytes are buffered; false at end of stream or past the limit.
func (p *peeker) need(n int) bool {
	if n > sniffLimit {
		return false
	}
	for len(p.buf) < n && !p.eof && p.err == nil {
		chunk := make([]byte, max(n-len(p.buf), 4096))
		k, err := p.r.Read(chunk)
		p.buf = append(p.buf, chunk[:k]...)
		if errors.Is(err, io.EOF) {
			p.eof = true
		} else if err != nil {
			p.err = err
		}
	}
	return len(p.buf) >= n
}

// sniff decides what r holds by its first bytes. It returns the content's
// kind (a FileType key, "exe", "zip" or "unknown") and the bytes it read,
// which the caller replays in front of the rest of r.
func sniff(r io.Reader) (string, []byte, error) {
	p := &peeker{r: r}
	p.need(8192)
	if p.err != nil {
		return "", p.buf, p.err
	}
	b := p.buf
	switch {
	case len(b) == 0:
		return "empty", b, nil
	case bytes.HasPrefix(b, []byte("MZ")), bytes.HasPrefix(b, []byte("\x7fELF")), bytes.HasPrefix(b, []byte("#!")),
		bytes.HasPrefix(b, []byte{0xfe, 0xed, 0xfa, 0xce}), bytes.HasPrefix(b, []byte{0xfe, 0xed, 0xfa, 0xcf}),
		bytes.HasPrefix(b, []byte{0xcf, 0xfa, 0xed, 0xfe}), bytes.HasPrefix(b, []byte{0xca, 0xfe, 0xba, 0xbe}):
		return "exe", b, nil
	case bytes.Contains(b[:min(len(b), 1024)], []byte("%PDF-")):
		return "pdf", b, nil
	case bytes.HasPrefix(b, []byte("\x89PNG\r\n\x1a\n")):
		return "png", b, nil
	case bytes.HasPrefix(b, []byte{0xff, 0xd8, 0xff}):
		return "jpeg", b, nil
	case bytes.HasPrefix(b, []byte("PK\x03\x04")):
		kind := sniffZip(p)
		return kind, p.buf, p.err
	case isText(b, !p.eof):
		return "csv", b, nil
	}
	return "unknown", b, nil
}

// sniffZip looks inside a ZIP for the entry that names its type:
// OpenDocument's stored "mimetype", Office Open XML's "[Content_Types].xml".
// Entries written with data descriptors do not say their size up front, so
// rather than walking entry by entry it finds local headers by signature,
// reading more of the stream only while the answer is not in the buffer.
func sniffZip(p *peeker) string {
	for _, size := range []int{64 << 10, sniffLimit} {
		p.need(size)
		if kind, ok := zipType(p.buf); ok {
			return kind
		}
		if p.eof || p.err != nil {
			break
		}
	}
	return "zip"
}

func zipType(buf []byte) (string, bool) {
	sig := []byte("PK\x03\x04")
	for off := 0; off < len(buf); {
		i := bytes.Index(buf[off:], sig)
		if i < 0 {
			return "", false
		}
		pos := off + i
		off = pos + len(sig)
		if pos+30 > len(buf) {
			return "", false
		}
		h := buf[pos:]
		flags := binary.LittleEndian.Uint16(h[6:])
		method := binary.LittleEndian.Uint16(h[8:])
		compSize := int(binary.LittleEndian.Uint32(h[18:]))
		nameLen := int(binary.LittleEndian.Uint16(h[26:]))
		extraLen := int(binary.LittleEndian.Uint16(h[28:]))
		data := pos + 30 + nameLen + extraLen
		if data > len(buf) {
			return "", false
		}
		end := len(buf)
		if flags&0x08 == 0 && compSize != 0xFFFFFFFF && data+compSize < end {
			end = data + compSize
		}
		switch string(buf[pos+30 : pos+30+nameLen]) {
		case "mimetype":
			if method != 0 {
				return "zip", true
			}
			// The type runs up to the first byte no MIME type contains (a data descriptor may follow).
			mt := buf[data:min(end, data+200)]
			if i := bytes.IndexFunc(mt, func(r rune) bool {
				return !(r >= 'a' && r <= 'z' || r >= '0' && r <= '9' || strings.ContainsRune("./-+", r))
			}); i >= 0 {
				mt = mt[:i]
			}
			switch string(mt) {
			case "application/vnd.oasis.opendocument.text":
				return "odt", true
			case "application/vnd.oasis.opendocument.spreadsheet":
				return "ods", true
			}
			return "zip", true
		case "[Content_Types].xml":
			var xml []byte
			switch method {
			case 0:
				xml = buf[data:end]
			case 8:
				// A stream cut by the buffer still yields what it decoded: enough for the overrides.
				xml, _ = io.ReadAll(io.LimitReader(flate.NewReader(bytes.NewReader(buf[data:end])), 1<<20))
			}
			switch {
			case bytes.Contains(xml, []byte("wordprocessingml.document.main+xml")):
				return "docx", true
			case bytes.Contains(xml, []byte("spreadsheetml.sheet.main+xml")):
				return "xlsx", true
			}
			return "zip", true
		}
	}
	return "", false
}

// isText reports whether b is UTF-8 text without NUL bytes; truncated says
// the stream goes on, so a character cut at the end of b is fine.
func isText(b []byte, truncated bool) bool {
	if bytes.IndexByte(b, 0) >= 0 {
		return false
	}
	for len(b) > 0 {
		r, size := utf8.DecodeRune(b)
		if r == utf8.RuneError && size <= 1 {
			return truncated && len(b) < utf8.UTFMax && !utf8.FullRune(b)
		}
		b = b[size:]
	}
	return true
}

// textReader fails a CSV upload whose content stops being UTF-8 text after
// the sniffed start: the whole file is checked as it streams.
type textReader struct {
	r    io.Reader
	tail []byte // an incomplete character carried to the next read
}

func (t *textReader) Read(p []byte) (int, error) {
	n, err := t.r.Read(p)
	chunk := append(t.tail, p[:n]...)
	t.tail = nil
	if bytes.IndexByte(chunk, 0) >= 0 {
		return 0, errNotText()
	}
	i := 0
	for i < len(chunk) {
		r, size := utf8.DecodeRune(chunk[i:])
		if r == utf8.RuneError && size <= 1 {
			if !utf8.FullRune(chunk[i:]) && len(chunk)-i < utf8.UTFMax {
				t.tail = append([]byte(nil), chunk[i:]...)
				break
			}
			return 0, errNotText()
		}
		i += size
	}
	if errors.Is(err, io.EOF) && len(t.tail) > 0 {
		return 0, errNotText()
	}
	return n, err
}

func errNotText() error {
	return fileError(domain.CodeInvalid, "type_mismatch",
		"Le fichier .csv contient des octets qui ne sont pas du texte UTF-8 (octet nul ou encodage invalide) : enregistrez-le au format « CSV UTF-8 ».")
}

// FrenchSize shows a byte count the French way ("10 Mo", "1,5 Mo", "512 ko").
func FrenchSize(n int64) string {
	switch {
	case n >= 1<<30 && n%(1<<30) == 0:
		return fmt.Sprintf("%d Go", n>>30)
	case n >= 1<<20 && n%(1<<20) == 0:
		return fmt.Sprintf("%d Mo", n>>20)
	case n >= 1<<20:
		return strings.Replace(fmt.Sprintf("%.1f Mo", float64(n)/(1<<20)), ".", ",", 1)
	case n >= 1<<10:
		return fmt.Sprintf("%d ko", n>>10)
	}
	return fmt.Sprintf("%d octets", n)
}
