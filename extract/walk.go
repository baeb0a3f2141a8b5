package extract

import "golang.org/x/net/html"

// The body's paragraphs, its sanitised HTML and the headline lines are each
// a walk over part of the document in order. walkTree is that walk once:
// a visitor says, on entering each node, whether to go into it, skip it or
// stop the whole walk, and is told when it leaves a node it went into (on
// the way out of a stopped walk too, so that open blocks are closed).

// walkCtl is what a visitor wants done with the node it entered.
type walkCtl int

const (
	descend walkCtl = iota // walk its children, then leave it
	skip                   // not its children, and no leave
	stop                   // end the whole walk here
)

// visitor is told of the nodes of a walk. mark is the visitor's own note of
// what it did on entering a node (a tag it opened, a block it began), handed
// back on leaving it: it costs no allocation per node.
type visitor interface {
	enter(n *html.Node) (ctl walkCtl, mark int)
	leave(n *html.Node, mark int)
}

// walkTree walks the children of root and reports whether the walk was
// stopped.
func walkTree(root *html.Node, v visitor) (stopped bool) {
	for c := root.FirstChild; c != nil; c = c.NextSibling {
		if walkNode(c, v) {
			return true
		}
	}
	return false
}

func walkNode(n *html.Node, v visitor) (stopped bool) {
	ctl, mark := v.enter(n)
	switch ctl {
	case skip:
		return false
	case stop:
		return true
	}
	stopped = walkTree(n, v)
	v.leave(n, mark)
	return stopped
}
