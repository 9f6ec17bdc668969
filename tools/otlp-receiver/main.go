// otlp-receiver: the OpenTelemetry Collector's own OTLP receiver (go.opentelemetry.io/collector/receiver/otlpreceiver,
// OTLP/HTTP and OTLP/gRPC), started alone, writing every batch of spans it accepts as one line of OTLP JSON
// (ptrace.JSONMarshaler) to a file. The tracing tests export to it and read that file.
//
//	otlp-receiver -http 127.0.0.1:4318 [-grpc 127.0.0.1:4317] -out spans.jsonl
//
// It prints "ready" on standard output once listening, and stops on SIGTERM or SIGINT (or when standard input closes).
package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"sync"
	"syscall"

	"go.opentelemetry.io/collector/component/componenttest"
	"go.opentelemetry.io/collector/confmap"
	"go.opentelemetry.io/collector/consumer"
	"go.opentelemetry.io/collector/pdata/ptrace"
	"go.opentelemetry.io/collector/receiver/otlpreceiver"
	"go.opentelemetry.io/collector/receiver/receivertest"
)

func main() {
	httpAddr := flag.String("http", "127.0.0.1:4318", "OTLP/HTTP listen address")
	grpcAddr := flag.String("grpc", "", "OTLP/gRPC listen address (empty: none)")
	out := flag.String("out", "", "file the spans are appended to, one OTLP JSON line per batch")
	flag.Parse()
	if *out == "" {
		fmt.Fprintln(os.Stderr, "otlp-receiver: -out FILE is required")
		os.Exit(2)
	}
	f, err := os.OpenFile(*out, os.O_CREATE|os.O_WRONLY|os.O_APPEND, 0o644)
	if err != nil {
		fmt.Fprintln(os.Stderr, "otlp-receiver:", err)
		os.Exit(1)
	}
	defer f.Close()

	var mu sync.Mutex
	marshaler := &ptrace.JSONMarshaler{}
	sink, err := consumer.NewTraces(func(_ context.Context, td ptrace.Traces) error {
		b, err := marshaler.MarshalTraces(td)
		if err != nil {
			return err
		}
		mu.Lock()
		defer mu.Unlock()
		if _, err := f.Write(append(b, '\n')); err != nil {
			return err
		}
		return f.Sync()
	})
	if err != nil {
		fmt.Fprintln(os.Stderr, "otlp-receiver:", err)
		os.Exit(1)
	}

	factory := otlpreceiver.NewFactory()
	cfg := factory.CreateDefaultConfig()
	protocols := map[string]any{"http": map[string]any{"endpoint": *httpAddr}}
	if *grpcAddr != "" {
		protocols["grpc"] = map[string]any{"endpoint": *grpcAddr}
	}
	if err := confmap.NewFromStringMap(map[string]any{"protocols": protocols}).Unmarshal(cfg); err != nil {
		fmt.Fprintln(os.Stderr, "otlp-receiver: config:", err)
		os.Exit(1)
	}
	if v, ok := cfg.(interface{ Validate() error }); ok {
		if err := v.Validate(); err != nil {
			fmt.Fprintln(os.Stderr, "otlp-receiver: config:", err)
			os.Exit(1)
		}
	}
	ctx := context.Background()
	r, err := factory.CreateTraces(ctx, receivertest.NewNopSettings(factory.Type()), cfg, sink)
	if err != nil {
		fmt.Fprintln(os.Stderr, "otlp-receiver:", err)
		os.Exit(1)
	}
	if err := r.Start(ctx, componenttest.NewNopHost()); err != nil {
		fmt.Fprintln(os.Stderr, "otlp-receiver: start:", err)
		os.Exit(1)
	}
	fmt.Println("ready")

	stop := make(chan os.Signal, 1)
	signal.Notify(stop, syscall.SIGTERM, syscall.SIGINT)
	stdinClosed := make(chan struct{})
	go func() {
		_, _ = io.Copy(io.Discard, os.Stdin)
		close(stdinClosed)
	}()
	select {
	case <-stop:
	case <-stdinClosed:
	}
	_ = r.Shutdown(ctx)
}
