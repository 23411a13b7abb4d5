package awsfake

type refactor struct{}
