// Command tremplin runs Tremplin: `tremplin serve` starts everything in one
// process; the other subcommands administer it. Run `tremplin help`.
package main

import (
	"bufio"
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"os"
	"os/signal"
	"runtime/debug"
	"strings"
	"syscall"
	"time"
	_ "time/tzdata" // Europe/Paris must resolve even on a host without zoneinfo

	"github.com/tremplin/tremplin/frontend"
	"github.com/tremplin/tremplin/internal/config"
	"github.com/tremplin/tremplin/internal/demo"
	"github.com/tremplin/tremplin/internal/server"
)

type command struct {
	name, args, help string
	run              func(ctx context.Context, cfg *config.Config, fs *flag.FlagSet, args []string) error
	flags            func(fs *flag.FlagSet)
}

// allCommands lists the built-in commands and those other files add; it is
// built at run time because init functions of other files may run after this one's.
func allCommands() []command {
	return append([]command{
		{name: "serve", help: "Start the web server, the background worker and the outbox relay in one process.", run: runServe},
		{name: "worker", help: "Process background jobs only (scale out by running several).", run: runWorker},
		{name: "migrate", args: "up|status", help: "Apply pending database migrations (up) or list them (status).", run: runMigrate},
		{name: "seed-demo", help: "Load the demo data (a call, two associations, one user per role) into an empty database.", run: runSeedDemo,
			flags: func(fs *flag.FlagSet) {
				fs.String("as-of", "", "build the demo around this day (YYYY-MM-DD, Europe/Paris) instead of today")
			}},
		{name: "demo-calendar", help: "Print the dates the demo has when seeded on a day (JSON), as seed-demo --as-of builds it.", run: runDemoCalendar,
			flags: func(fs *flag.FlagSet) {
				fs.String("as-of", "", "the day (YYYY-MM-DD, Europe/Paris); default today")
			}},
		{name: "admin", args: "create --email E", help: "Create a platform administrator; the password is read from standard input.", run: runAdmin,
			flags: func(fs *flag.FlagSet) {
				fs.String("email", "", "e-mail address of the new administrator")
				fs.String("name", "Administrateur", "display name")
			}},
	}, extraCommands...)
}

// extraCommands are added by other files of this package (workflow, audit, …).
var extraCommands []command

func main() {
	os.Exit(run(os.Args[1:], os.Stdin, os.Stdout, os.Stderr))
}

func run(args []string, stdin io.Reader, out, stderr io.Writer) int {
	stdinReader, stdout, stderrW = stdin, out, stderr
	if len(args) == 0 || args[0] == "help" || args[0] == "-h" || args[0] == "--help" {
		usage(stdout)
		return 0
	}
	commands := allCommands()
	var cmd *command
	for i := range commands {
		if commands[i].name == args[0] {
			cmd = &commands[i]
		}
	}
	if cmd == nil {
		fmt.Fprintf(stderr, "tremplin: unknown command %q\n\n", args[0])
		usage(stderr)
		return 2
	}
	fs := flag.NewFlagSet("tremplin "+cmd.name, flag.ContinueOnError)
	fs.SetOutput(stderr)
	if cmd.flags != nil {
		cmd.flags(fs)
	}
	fs.Usage = func() {
		fmt.Fprintf(stderr, "Usage: tremplin %s %s\n\n%s\n", cmd.name, cmd.args, cmd.help)
		if cmd.flags != nil {
			fmt.Fprintln(stderr, "\nFlags:")
			fs.PrintDefaults()
		}
		fmt.Fprintf(stderr, "\nEnvironment:\n%s", config.Help())
	}
	if err := fs.Parse(args[1:]); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return 0
		}
		return 2
	}
	cfg, err := config.Load(os.LookupEnv)
	if err != nil {
		// A configuration error is a usage error (2), as for a bad flag: a
		// supervisor that restarts on 1 need not retry what cannot work.
		fmt.Fprintln(stderr, "tremplin:", err)
		return 2
	}
	setupLogging(cfg, stderr)
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	if err := cmd.run(ctx, cfg, fs, fs.Args()); err != nil {
		fmt.Fprintln(stderr, "tremplin:", err)
		if errors.As(err, new(usageError)) {
			return 2
		}
		return 1
	}
	return 0
}

// usageError is a mistake on the command line found by the command itself
// (a flag's value): exit status 2, as for a flag the parser refuses.
type usageError struct{ error }

func (e usageError) Unwrap() error { return e.error }

// The command's streams: run sets them, so tests capture what commands print.
var (
	stdinReader io.Reader = os.Stdin
	stdout      io.Writer = os.Stdout
	stderrW     io.Writer = os.Stderr
)

func usage(w io.Writer) {
	fmt.Fprintln(w, "Tremplin — appels à projets et expérimentations (Département de la Seine-Saint-Denis)")
	fmt.Fprintln(w, "\nUsage: tremplin <command> [flags]\n\nCommands:")
	for _, c := range allCommands() {
		fmt.Fprintf(w, "  %-12s %-18s %s\n", c.name, c.args, c.help)
	}
	fmt.Fprintf(w, "\nRun 'tremplin <command> --help' for details.\n\nEnvironment:\n%s", config.Help())
}

func setupLogging(cfg *config.Config, w io.Writer) {
	var level slog.Level
	_ = level.UnmarshalText([]byte(cfg.LogLevel))
	slog.SetDefault(slog.New(slog.NewJSONHandler(w, &slog.HandlerOptions{Level: level})))
}

func runServe(ctx context.Context, cfg *config.Config, _ *flag.FlagSet, _ []string) error {
	start := time.Now()
	m, err := server.Open(ctx, cfg, frontend.Dist())
	if err != nil {
		return err
	}
	if cfg.Demo {
		seeded, err := m.SeedDemo(ctx)
		if err != nil {
			m.Close()
			return fmt.Errorf("demo data: %w", err)
		}
		if seeded {
			slog.Info("demo data loaded")
			// Seeding hashed passwords (argon2's memory) and parsed data that
			// the idle server no longer needs: give it back now, not in minutes.
			debug.FreeOSMemory()
		}
	}
	if err := m.StartWorker(); err != nil {
		m.Close()
		return err
	}
	m.StartRelay()
	if err := m.Listen(); err != nil {
		_ = m.Shutdown(context.Background())
		return err
	}
	slog.Info("tremplin ready", "url", m.URL(), "embedded", strings.Join(cfg.Embedded(), ","), "startup_ms", time.Since(start).Milliseconds())
	printBanner(cfg, m.URL())
	<-ctx.Done()
	slog.Info("shutting down: draining requests and jobs", "timeout", cfg.ShutdownTimeout)
	sctx, cancel := context.WithTimeout(context.Background(), cfg.ShutdownTimeout)
	defer cancel()
	return m.Shutdown(sctx)
}

// printBanner tells a newcomer where to go and how to log in (demo mode only).
func printBanner(cfg *config.Config, url string) {
	if !cfg.Demo {
		return
	}
	var b strings.Builder
	fmt.Fprintf(&b, "\n  Tremplin est prêt : %s\n", url)
	if len(cfg.Embedded()) > 0 {
		fmt.Fprintf(&b, "  Services intégrés : %s (données dans %s)\n", strings.Join(cfg.Embedded(), ", "), cfg.DataDir)
	}
	fmt.Fprintf(&b, "\n  Comptes de démonstration (mot de passe : %s)\n", demo.Password)
	for _, l := range demo.Logins {
		fmt.Fprintf(&b, "    %-36s %s\n", l.Email, l.Role)
	}
	fmt.Fprintln(&b)
	fmt.Fprint(stdout, b.String())
}

func runWorker(ctx context.Context, cfg *config.Config, _ *flag.FlagSet, _ []string) error {
	m, err := server.Open(ctx, cfg, nil)
	if err != nil {
		return err
	}
	if err := m.StartWorker(); err != nil {
		m.Close()
		return err
	}
	m.StartRelay()
	slog.Info("tremplin worker running")
	<-ctx.Done()
	sctx, cancel := context.WithTimeout(context.Background(), cfg.ShutdownTimeout)
	defer cancel()
	return m.Shutdown(sctx)
}

func runMigrate(ctx context.Context, cfg *config.Config, _ *flag.FlagSet, args []string) error {
	sub := "up"
	if len(args) > 0 {
		sub = args[0]
	}
	m, err := server.OpenDB(ctx, cfg)
	if err != nil {
		return err
	}
	defer m.Close()
	switch sub {
	case "up":
		names, err := m.Migrate(ctx)
		if err != nil {
			return err
		}
		if len(names) == 0 {
			fmt.Fprintln(stdout, "Database is up to date.")
		}
		for _, n := range names {
			fmt.Fprintln(stdout, "applied", n)
		}
	case "status":
		st, err := m.MigrationsStatus(ctx)
		if err != nil {
			return err
		}
		for _, s := range st {
			mark := "pending"
			if s.Applied {
				mark = "applied"
			}
			fmt.Fprintf(stdout, "%-8s %s\n", mark, s.Name)
		}
	default:
		return fmt.Errorf("migrate: unknown subcommand %q (want up or status)", sub)
	}
	return nil
}

func runSeedDemo(ctx context.Context, cfg *config.Config, fs *flag.FlagSet, _ []string) error {
	day, err := asOfFlag(fs)
	if err != nil {
		return err
	}
	// The demo is created through the use cases (documents go to S3, e-mails
	// to the outbox), so the whole process is assembled, without serving.
	m, err := server.Open(ctx, cfg, nil)
	if err != nil {
		return err
	}
	defer m.Close()
	seeded, err := m.SeedDemoAsOf(ctx, day)
	if err != nil {
		return err
	}
	if seeded == nil {
		// A script that expected a fresh demo must notice (serve, on the contrary, just starts).
		return errors.New("seed-demo: la base contient déjà des utilisateurs, données de démonstration non chargées / " +
			"the database already has users: demo data not loaded")
	}
	c := seeded.Calendar
	fmt.Fprintf(stdout, "Demo data loaded as of %s: %q open until %s (password %s).\n", c.Today, c.CallTitle, c.ClosesFR, demo.Password)
	return nil
}

func runDemoCalendar(ctx context.Context, cfg *config.Config, fs *flag.FlagSet, _ []string) error {
	day, err := asOfFlag(fs)
	if err != nil {
		return err
	}
	asOf := time.Now()
	if !day.IsZero() {
		asOf = demo.Morning(day)
	}
	enc := json.NewEncoder(stdout)
	enc.SetIndent("", "  ")
	return enc.Encode(demo.CalendarAt(asOf))
}

// asOfFlag reads --as-of: the zero time when absent.
func asOfFlag(fs *flag.FlagSet) (time.Time, error) {
	v := fs.Lookup("as-of").Value.String()
	if v == "" {
		return time.Time{}, nil
	}
	d, err := demo.ParseDay(v)
	if err != nil {
		return time.Time{}, usageError{fmt.Errorf("--as-of: %w", err)}
	}
	return d, nil
}

func runAdmin(ctx context.Context, cfg *config.Config, fs *flag.FlagSet, args []string) error {
	if len(args) == 0 || args[0] != "create" {
		return fmt.Errorf("admin: usage: tremplin admin create --email E  (password on standard input)")
	}
	// Flags may come after "create".
	if err := fs.Parse(args[1:]); err != nil {
		return err
	}
	email := fs.Lookup("email").Value.String()
	name := fs.Lookup("name").Value.String()
	pw, err := bufio.NewReader(stdinReader).ReadString('\n')
	if err != nil && !errors.Is(err, io.EOF) {
		return fmt.Errorf("reading the password from standard input: %w", err)
	}
	pw = strings.TrimRight(pw, "\r\n")
	db, err := server.OpenDB(ctx, cfg)
	if err != nil {
		return err
	}
	defer db.Close()
	if _, err := db.Migrate(ctx); err != nil {
		return err
	}
	id, err := server.CreateAdmin(ctx, db, email, name, pw)
	if err != nil {
		return err
	}
	fmt.Fprintf(stdout, "Administrator #%d created: %s\n", id, email)
	return nil
}
