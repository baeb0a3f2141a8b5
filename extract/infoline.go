package extract

import (
	"regexp"
	"strings"
)

// InfoLine is how a template labels the fields of an article's info line
// ("发布时间：2026-11-19 来源：检察日报 作者：张三"). Templates differ in
// their labels and in the marks around a value, not in how a line splits,
// which Split does once for all of them.
type InfoLine struct {
	// Labels finds a label with its colon, the label being its first group.
	Labels *regexp.Regexp
	// Fields maps a label to the field it gives (发布日期 → 时间); a label
	// mapped to "" names no field (字号, 浏览次数) and only ends the value
	// before it; a label not in Fields is a field of its own name.
	Fields map[string]string
	// Trim holds what is cut from both ends of a value besides spaces:
	// the brackets and bars a template sets between its fields.
	Trim string
}

// Split splits each line at its labels into field → value. A value ends
// where the next label starts or at the end of its line, so an empty 作者
// never takes 来源's value; of a field given twice the first value is
// kept.
func (l InfoLine) Split(lines ...string) map[string]string {
	out := map[string]string{}
	cut := " " + l.Trim
	for _, line := range lines {
		line = NormalizeText(line)
		locs := l.Labels.FindAllStringSubmatchIndex(line, -1)
		for i, m := range locs {
			if m[2] < 0 {
				continue // a Labels without its group names nothing
			}
			end := len(line)
			if i+1 < len(locs) {
				end = locs[i+1][0]
			}
			field := line[m[2]:m[3]]
			if f, ok := l.Fields[field]; ok {
				field = f
			}
			if _, seen := out[field]; field != "" && !seen {
				out[field] = strings.Trim(NormalizeText(line[m[1]:end]), cut)
			}
		}
	}
	return out
}
