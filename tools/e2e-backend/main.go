// The backend of the real-cluster end-to-end suite: a small HTTP server that answers every request with the
// pod's name and a version string, so that a test can tell which pod and which rollout served it.
//
//	e2e-backend -listen :8080 -on-sigterm drain|exit
//
// -on-sigterm drain (a well-behaved app): on SIGTERM it stops accepting, finishes requests in flight and closes
// idle keep-alive connections, then exits. -on-sigterm exit (the common, naive app): it exits at once, dropping
// whatever is connected. GET /ready is the readiness probe: 200, or 503 after `POST /ready?ready=false` on the
// -control address (a port no Service exposes; the tests flip readiness to measure how fast an endpoint is taken
// in and out). Everything else answers "pod=<POD_NAME> version=<VERSION>" (and X-Pod: <POD_NAME>).
package main

import (
	"context"
	"flag"
	"fmt"
	"log"
	"net"
	"net/http"
	"os"
	"os/signal"
	"sync/atomic"
	"syscall"
	"time"
)

func main() {
	listen := flag.String("listen", ":8080", "address to listen on")
	onSigterm := flag.String("on-sigterm", "drain", "drain: finish requests in flight, then exit; exit: exit at once")
	drainTimeout := flag.Duration("drain-timeout", 20*time.Second, "longest drain")
	control := flag.String("control", ":8081", "address of the readiness switch (POST /ready?ready=true|false)")
	flag.Parse()
	if *onSigterm != "drain" && *onSigterm != "exit" {
		log.Fatalf("-on-sigterm %q: expected drain or exit", *onSigterm)
	}
	pod, version := os.Getenv("POD_NAME"), os.Getenv("VERSION")
	body := []byte(fmt.Sprintf("pod=%s version=%s\n", pod, version))

	var ready atomic.Bool
	ready.Store(true)
	mux := http.NewServeMux()
	mux.HandleFunc("/ready", func(w http.ResponseWriter, r *http.Request) {
		if ready.Load() {
			w.WriteHeader(http.StatusOK)
		} else {
			w.WriteHeader(http.StatusServiceUnavailable)
		}
	})
	cmux := http.NewServeMux()
	cmux.HandleFunc("/ready", func(w http.ResponseWriter, r *http.Request) {
		if r.Method != http.MethodPost {
			w.WriteHeader(http.StatusMethodNotAllowed)
			return
		}
		ready.Store(r.URL.Query().Get("ready") != "false")
		fmt.Fprintf(w, "ready=%v\n", ready.Load())
	})
	go func() { log.Fatal(http.ListenAndServe(*control, cmux)) }()
	mux.HandleFunc("/", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/plain")
		w.Header().Set("X-Pod", pod)
		w.Write(body)
	})
	srv := &http.Server{Handler: mux, ReadHeaderTimeout: 10 * time.Second, IdleTimeout: 60 * time.Second}
	ln, err := net.Listen("tcp", *listen)
	if err != nil {
		log.Fatal(err)
	}
	log.Printf("e2e-backend %s (version %q) on %s, on SIGTERM: %s", pod, version, ln.Addr(), *onSigterm)

	drained := make(chan struct{})
	sig := make(chan os.Signal, 1)
	signal.Notify(sig, syscall.SIGTERM, syscall.SIGINT)
	go func() {
		<-sig
		if *onSigterm == "exit" {
			log.Print("SIGTERM: exiting at once")
			os.Exit(0)
		}
		log.Print("SIGTERM: draining")
		ctx, cancel := context.WithTimeout(context.Background(), *drainTimeout)
		defer cancel()
		srv.Shutdown(ctx)
		close(drained)
	}()
	if err := srv.Serve(ln); err != http.ErrServerClosed {
		log.Fatal(err)
	}
	<-drained // Serve returns as soon as Shutdown starts; the requests in flight end later
	log.Print("drained")
}
