// Package push tells receivers of the archive's changes what changed, at
// once: webhooks that follow the Standard Webhooks specification (signed
// JSON, the whole article, in seq order, at least once), and a WebSub hub
// for the feeds.
//
// The archive's event log is the outbox: each subscription keeps a cursor
// in it, moved only after its receiver answered 2xx, in the same
// transaction as the delivery log, so a kill at any moment sends an event
// again (with the same webhook-id) rather than lose it.
//
// # Caveats
//
// A webhook sender can be turned against the network it runs in (SSRF):
// a receiver whose address is loopback, private, link-local or
// unspecified is refused unless the subscription allows it, checked on
// the address connected to at every delivery, so a DNS answer that
// changes after the check is caught too.
package push
