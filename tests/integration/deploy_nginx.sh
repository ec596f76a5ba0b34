#!/bin/sh
# The installed clearnet front (nginx): `nginx -t` passes on it, and run on
# loopback ports with a throwaway certificate in front of the real server it
# answers over TLS with HSTS and exactly the server's security headers (once
# each), redirects plain HTTP, answers its own errors in the API's JSON shape
# with the same headers, shows no version, and writes no access log and no
# client address anywhere.
. "$(dirname "$0")/lib.sh"
. "$QF_ROOT/deploy/testlib.sh"

for tool in nginx openssl; do
	if ! command -v "$tool" >/dev/null 2>&1; then
		skip "nginx checks" "$tool is not installed (deploy/deps.sh deploy)"
		finish
		exit
	fi
done
ROOT="$T_DIR/root"
check "make install DESTDIR" qf_install "$ROOT" || {
	finish
	exit 1
}
SITE="$ROOT/usr/local/share/qingfeng/examples/nginx-qingfeng.conf"

# --- what the file says
check "access log off in every server" sh -c \
	"[ \$(grep -c '^[[:space:]]*server {' '$SITE') -eq \$(grep -c '^[[:space:]]*access_log off;' '$SITE') ]"
check "no other access_log" sh -c "! grep -E '^[[:space:]]*access_log' '$SITE' | grep -qv 'access_log off;'"
check "error logs only at emerg" sh -c "! grep -E '^[[:space:]]*error_log' '$SITE' | grep -qv ' emerg;'"
check "no client address passed or logged" sh -c \
	"! grep -E '^[^#]*(remote_addr|proxy_add_x_forwarded_for|realip)' '$SITE'"
check "request bodies never buffered to disk" grep -q 'proxy_request_buffering off;' "$SITE"
check "answers never buffered to disk" grep -q 'proxy_max_temp_file_size 0;' "$SITE"
check "nginx never compresses (the server sends its own pre-compressed files)" sh -c \
	"grep -q '^[[:space:]]*gzip off;' '$SITE' && ! grep -qE '^[[:space:]]*(gzip|brotli)[a-z_]* on' '$SITE'"
check "HSTS" grep -q 'Strict-Transport-Security' "$SITE"
check "no version banner" grep -q 'server_tokens off;' "$SITE"
LISTEN=$(jq -r .listen "$ROOT/usr/local/share/qingfeng/examples/config.json")
check "proxies to the server's default listen address" grep -q "server $LISTEN;" "$SITE"

# the operator guide's edit of Debian's nginx.conf leaves no access log and errors at emerg
if [ -f /etc/nginx/nginx.conf ]; then
	cmd=$(grep -m 1 "^sed -i 's|^error_log" "$QF_ROOT/docs/operator.md" | sed 's| /etc/nginx/nginx.conf$||')
	cp /etc/nginx/nginx.conf "$T_DIR/nginx.conf"
	check "operator.md's nginx.conf edit applies" sh -c "$cmd '$T_DIR/nginx.conf'"
	check "global error_log at emerg" sh -c "! grep -E '^[[:space:]]*error_log' '$T_DIR/nginx.conf' | grep -qv ' emerg;'"
	check "global access_log off" sh -c "! grep -E '^[[:space:]]*access_log' '$T_DIR/nginx.conf' | grep -qv 'access_log off;'"
else
	skip "Debian's nginx.conf edit" "/etc/nginx/nginx.conf is missing"
fi

# --- run it on loopback in front of the real server
D="$T_DIR/data"
check "init + district add" new_data "$D"
set_config "$D" '.pow_difficulty = 0'
start_server "$D" || exit 1
NG="$T_DIR/nginx"
mkdir -p "$NG/logs" "$NG/tmp"
openssl req -x509 -newkey rsa:2048 -nodes -days 2 -subj /CN=report.example.org \
	-keyout "$NG/key.pem" -out "$NG/cert.pem" >/dev/null 2>&1
HP=$(free_port)
SP=$(free_port)
[ "$SP" = "$HP" ] && SP=$((HP + 1))
sed -e "s|listen 80;|listen 127.0.0.1:$HP;|; s|listen 443 ssl http2;|listen 127.0.0.1:$SP ssl http2;|" \
	-e '/listen \[::\]/d' -e "s|server $LISTEN;|server 127.0.0.1:$PORT;|" \
	-e "s|/etc/ssl/qingfeng/fullchain.pem|$NG/cert.pem|; s|/etc/ssl/qingfeng/privkey.pem|$NG/key.pem|" \
	-e "s|/var/log/nginx/|$NG/logs/|g" "$SITE" >"$NG/site.conf"
cat >"$NG/nginx.conf" <<EOF
daemon off;
master_process on;
worker_processes 1;
pid $NG/nginx.pid;
error_log $NG/logs/main.error.log emerg;
events { worker_connections 64; }
http {
	client_body_temp_path $NG/tmp/body;
	proxy_temp_path $NG/tmp/proxy;
	fastcgi_temp_path $NG/tmp/fastcgi;
	uwsgi_temp_path $NG/tmp/uwsgi;
	scgi_temp_path $NG/tmp/scgi;
	include $NG/site.conf;
}
EOF
out=$(nginx -t -p "$NG" -c "$NG/nginx.conf" -e "$NG/logs/main.error.log" 2>&1)
eq "nginx -t" $? 0
[ $? -eq 0 ] || echo "$out"
nginx -p "$NG" -c "$NG/nginx.conf" -e "$NG/logs/main.error.log" 2>>"$NG/stderr" &
NGINX_PID=$!
trap 'kill "$NGINX_PID" 2>/dev/null; wait "$NGINX_PID" 2>/dev/null; cleanup' EXIT INT TERM
TLS="https://127.0.0.1:$SP"
for _i in $(seq 1 100); do
	curl -sk -o /dev/null "$TLS/api/v1/info" && break
	sleep 0.05
done

# headers with lower-case names (HTTP/2 sends them so)
hdrs() { curl -sk -D - -o /dev/null "$@" | tr -d '\r' | sed 's/^[^:]*:/\L&/'; }
h=$(hdrs "$TLS/api/v1/info")
eq "API over TLS" "$(printf '%s\n' "$h" | head -n 1 | cut -d' ' -f2)" 200
direct=$(hdrs "$URL/api/v1/info")
for name in Cache-Control Referrer-Policy X-Content-Type-Options X-Frame-Options Content-Security-Policy; do
	eq "$name once, as the server sent it" "$(printf '%s\n' "$h" | grep -i "^$name:")" \
		"$(printf '%s\n' "$direct" | grep -i "^$name:")"
done
eq "HSTS once" "$(printf '%s\n' "$h" | grep -ci '^strict-transport-security: max-age=')" 1
check "no version in Server" sh -c "! printf '%s\n' \"\$1\" | grep -i '^server:' | grep -q '[0-9]'" _ "$h"
check "no cookie" sh -c "! printf '%s\n' \"\$1\" | grep -qi '^set-cookie:'" _ "$h"
page=$(hdrs "$TLS/")
eq "web page over TLS" "$(printf '%s\n' "$page" | head -n 1 | cut -d' ' -f2)" 200
eq "the page's own CSP passes through" "$(printf '%s\n' "$page" | grep -i '^content-security-policy:')" \
	"$(hdrs "$URL/" | grep -i '^content-security-policy:')"

# a report through the front: the server's answer comes back untouched
R="MS0Z-H1WW-YKQN-03JM-SFCX"
# shellcheck disable=SC2046
set -- $("$QFTOOL" derive "$R")
printf '{"district":"d01","lookup":"%s","auth_hash":"%s","reply_pk":"%s","envelope":"%s"}' \
	"$1" "$3" "$4" "$("$QFTOOL" fake-envelope 4096)" >"$T_DIR/report.json"
"$QFTOOL" submission "$T_DIR/report.json" "$T_DIR/report.bin"
out=$(curl -sk -H "Content-Type: $SUBMISSION_TYPE" --data-binary "@$T_DIR/report.bin" \
	-w '\n%{http_code}' "$TLS/api/v1/reports")
eq "report through the front: 201" "$(code_of "$out")" 201
eq "the receipt is the server's" "$(body_of "$out" | jq -r .receipt.index)" 1
printf '{"lookup":"%s","auth":"%s"}' "$1" "$2" >"$T_DIR/status.json"
out=$(curl -sk -H 'Content-Type: application/json' --data-binary "@$T_DIR/status.json" \
	-w '\n%{http_code}' "$TLS/api/v1/status")
eq "status through the front" "$(body_of "$out" | jq -r .status)" received

h=$(hdrs "http://127.0.0.1:$HP/status.html?x=1")
eq "plain HTTP redirects" "$(printf '%s\n' "$h" | head -n 1 | cut -d' ' -f2)" 301
check "to HTTPS, same path" sh -c "printf '%s\n' \"\$1\" | grep -qx 'location: https://127.0.0.1/status.html?x=1'" _ "$h"

out=$(curl -sk -D "$T_DIR/h413" -H 'Content-Type: application/json' -H 'Content-Length: 40000000' \
	--data-binary '{}' -w '\n%{http_code}' "$TLS/api/v1/reports")
eq "too large: 413" "$(code_of "$out")" 413
eq "too large: API error shape" "$(body_of "$out" | jq -r .error.code)" too_large
check "too large: the headers too" grep -qi '^cache-control: no-store' "$T_DIR/h413"

stop_server
out=$(curl -sk -D "$T_DIR/h503" -w '\n%{http_code}' "$TLS/api/v1/info")
eq "server down: 503" "$(code_of "$out")" 503
eq "server down: API error shape" "$(body_of "$out" | jq -r .error.code)" overloaded
for name in Cache-Control Referrer-Policy X-Content-Type-Options X-Frame-Options Content-Security-Policy Strict-Transport-Security; do
	check "server down: $name" grep -qi "^$name: " "$T_DIR/h503"
done

kill "$NGINX_PID"
wait "$NGINX_PID" 2>/dev/null
check "no access log written" sh -c "! ls '$NG/logs' | grep -q access"
check "no client address in any nginx log" sh -c "! grep -rqF '$CLIENT_ADDR' '$NG/logs' '$NG/stderr'"
check "no temporary body files" sh -c "[ -z \"\$(find '$NG/tmp' -type f)\" ]"

finish
