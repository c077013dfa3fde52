# free_port: a loopback port nothing listens on, for bench/run.sh and bench/lambda.sh (sourced).
# Picked below the kernel's ephemeral range: a port inside it can be taken, between the check
# and the bind, by one of the thousands of client connections a benchmark row opens.
EPHEMERAL_LOW="$(cut -f1 /proc/sys/net/ipv4/ip_local_port_range 2>/dev/null || echo 32768)"
free_port() {
  local port
  while :; do
    port=$(( 10000 + RANDOM % (EPHEMERAL_LOW - 10000) ))
    (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null || { echo "$port"; return; }
  done
}
