package main

import (
	"context"
	"flag"
	"fmt"

	"github.com/tremplin/tremplin/internal/audit"
	"github.com/tremplin/tremplin/internal/config"
	"github.com/tremplin/tremplin/internal/server"
)

func init() {
	extraCommands = append(extraCommands, command{name: "audit", args: "verify",
		help: "Check the audit trail's hash chain: prints OK and the counts, or the first edited or deleted row (exit 1).", run: runAudit})
}

func runAudit(ctx context.Context, cfg *config.Config, _ *flag.FlagSet, args []string) error {
	if len(args) != 1 || args[0] != "verify" {
		return fmt.Errorf("audit: usage: tremplin audit verify")
	}
	db, err := server.OpenDB(ctx, cfg)
	if err != nil {
		return err
	}
	defer db.Close()
	v, err := audit.VerifyChain(ctx, db)
	if err != nil {
		return fmt.Errorf("audit verify: %w", err)
	}
	if !v.OK {
		row := ""
		if v.BrokenID != nil {
			row = fmt.Sprintf(" (row id %d)", *v.BrokenID)
		}
		fmt.Fprintf(stdout, "BROKEN: %d rows intact before seq %d%s: %s\n", v.Checked, *v.BrokenAt, row, v.Reason)
		return fmt.Errorf("audit trail broken at seq %d%s: %s", *v.BrokenAt, row, v.Reason)
	}
	fmt.Fprintf(stdout, "OK: %d sealed rows checked, chain intact; %d rows awaiting sealing.\n", v.Checked, v.Unsealed)
	return nil
}
