#!/usr/bin/env bash
# Starts a throw-away PostgreSQL cluster for the tests and prints its URL on stdout.
# Installs Debian's postgresql package first when no server binaries are found.
# Usage: scripts/postgres-cluster.sh DIR [stop|restart]
set -euo pipefail
dir=${1:?usage: postgres-cluster.sh DIR [stop|restart]}
bin=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1 || true)
if [ -z "$bin" ] || [ ! -x "$bin/initdb" ]; then
  echo "installing postgresql from Debian's packages" >&2
  apt-get update -qq >&2
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq postgresql >&2
  bin=$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -n 1)
fi
# initdb refuses to run as root: the cluster belongs to the postgres user when we are root.
run=()
if [ "$(id -u)" = 0 ]; then
  id postgres >/dev/null 2>&1 || useradd --system --home "$dir" postgres
  run=(runuser -u postgres --)
fi
case "${2:-}" in
  stop) "${run[@]}" "$bin/pg_ctl" -D "$dir/data" -m fast stop >&2 || true; exit 0 ;;
  restart) "${run[@]}" "$bin/pg_ctl" -D "$dir/data" -l "$dir/log" -m fast -w restart >&2; exit 0 ;;
esac
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
mkdir -p "$dir"
[ ${#run[@]} -gt 0 ] && chown postgres "$dir"
"${run[@]}" "$bin/initdb" -D "$dir/data" -U opsflow --auth=trust -E UTF8 >&2
"${run[@]}" "$bin/pg_ctl" -D "$dir/data" -l "$dir/log" -w -o "-p $port -k $dir -c listen_addresses=127.0.0.1 -c max_connections=300 -c fsync=on" start >&2
"${run[@]}" "$bin/createdb" -h 127.0.0.1 -p "$port" -U opsflow opsflow >&2
echo "postgres://opsflow@127.0.0.1:$port/opsflow"
