// Package diff says how two versions of an article differ: field by field,
// paragraph by paragraph, and inside a changed paragraph character by
// character (Chinese has no spaces to split words on).
//
// It computes; the command line prints its results as text and the web UI
// as HTML. It is the only package that imports go-diff.
package diff
