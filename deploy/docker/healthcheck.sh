#!/bin/bash
# Container health probe: GET <path> on 127.0.0.1:<port>, healthy only on HTTP 200.
# Neither base image ships curl or wget, so it speaks HTTP/1.1 over bash's /dev/tcp.
# Usage: healthcheck.sh [port] [path]   (defaults: 8080 /healthz/ready)
set -u
port=${1:-8080}
path=${2:-/healthz/ready}

exec 3<>"/dev/tcp/127.0.0.1/$port" || exit 1
printf 'GET %s HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n' "$path" >&3
IFS= read -r -t 5 status <&3 || { echo "no answer from 127.0.0.1:$port$path"; exit 1; }
status=${status%$'\r'}
case $status in
  "HTTP/1."?" 200"*) exit 0 ;;
  *) echo "$path: $status"; exit 1 ;;
esac
