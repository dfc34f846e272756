package app

// OpenAccountsMsg asks the root to open the accounts screen over the
// accounts table it returns to: the import of a file or, with Export, the
// export of the change lists.
type OpenAccountsMsg struct{ Export bool }
