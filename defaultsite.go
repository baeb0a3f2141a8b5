package sppcrawl

// defaultSite is the site registered by SetDefaultSite.
var defaultSite Site

// SetDefaultSite names the site of an archive that names none: every
// archive an earlier release wrote held one site and said nothing of it,
// and a store opened without a site reads its records as that site's.
// The sites registry calls it as it starts (the way database/sql's drivers
// register), so that the domain package names no site while every program
// that links the registry opens old archives as they were; a program that
// links none has no default, and the store says so rather than guess.
// Call it from an init function only: it is not safe with concurrent use.
func SetDefaultSite(s Site) { defaultSite = s }

// DefaultSite is the site SetDefaultSite registered; false when none was.
func DefaultSite() (Site, bool) { return defaultSite, defaultSite != nil }
