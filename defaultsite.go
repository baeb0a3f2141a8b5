package sppcrawl

import "errors"

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

// ErrNoSite says no default site is registered (SetDefaultSite), so the
// archives of earlier releases, which name none, cannot be read.
var ErrNoSite = errors.New("no default site registered (the program links no sites registry)")

// LegacySite is the registered default site, nil when none is: the site
// of an archive's records that name none. A backend opening archives
// refuses with ErrNoSite rather than read them as nil's.
func LegacySite() Site { return defaultSite }
