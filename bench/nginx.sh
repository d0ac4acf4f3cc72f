# nginx for the benchmarks, sourced by bench/*.sh: serve $dir/www on the
# loopback addresses $prefix.1..$prefix.$hosts (127.x.y only), one port,
# with bench/poll-nginx.conf, from the temporary directory $dir so no root
# is needed.  The caller's EXIT trap calls nginx_stop.
NGINX=${NGINX:-$(command -v nginx || echo /usr/sbin/nginx)}
ngx=""

# nginx_start DIR PREFIX HOSTS PORT [TLSPORT NKPORT]: with TLSPORT, also
# TLS with HTTP/2 and keep-alive on TLSPORT, and TLS (HTTP/1.1) closing
# every connection after one request on NKPORT, with the certificate
# DIR/tls/srv.pem that nginx_make_ca made.
nginx_start() {
	: >"$1/listen.conf"
	: >"$1/listen-nk.conf"
	i=1
	while [ "$i" -le "$3" ]; do
		echo "listen $2.$i:$4;" >>"$1/listen.conf"
		if [ -n "${5:-}" ]; then
			echo "listen $2.$i:$5 ssl http2;" >>"$1/listen.conf"
			echo "listen $2.$i:$6 ssl;" >>"$1/listen-nk.conf"
		fi
		i=$((i + 1))
	done
	# Without TLS the second server listens on a socket file: with no
	# listen at all nginx gives it *:80, which a second run (or any
	# other nginx on the machine) already holds.
	[ -n "${5:-}" ] || echo "listen unix:$1/nk.sock;" >"$1/listen-nk.conf"
	if [ -n "${5:-}" ]; then
		for f in listen.conf listen-nk.conf; do
			echo "ssl_certificate $1/tls/srv.pem;" >>"$1/$f"
			echo "ssl_certificate_key $1/tls/srv.key;" >>"$1/$f"
			echo "ssl_session_cache shared:fw:10m;" >>"$1/$f"
		done
	fi
	mkdir -p "$1/tmp"
	# Workers may run as nobody (when we are root): let them read it.
	chmod 755 "$1"
	sed "s|@DIR@|$1|g" "$top_srcdir/bench/poll-nginx.conf" >"$1/nginx.conf"
	"$NGINX" -p "$1" -c "$1/nginx.conf" -e "$1/error.log" &
	ngx=$!
	tries=0
	until [ -s "$1/nginx.pid" ]; do
		tries=$((tries + 1))
		if [ "$tries" -gt 100 ] || ! kill -0 "$ngx" 2>/dev/null; then
			echo "nginx did not start:" >&2
			cat "$1/error.log" >&2
			return 1
		fi
		sleep 0.1
	done
}

nginx_stop() {
	[ -n "$ngx" ] && kill "$ngx" 2>/dev/null && wait "$ngx" 2>/dev/null
	ngx=""
}

# nginx_make_ca DIR PREFIX HOSTS: DIR/tls/ca.pem, a CA made for the run,
# and DIR/tls/srv.pem (key srv.key), which it signed for PREFIX.1..HOSTS.
nginx_make_ca() {
	mkdir -p "$1/tls"
	openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes \
	    -keyout "$1/tls/ca.key" -out "$1/tls/ca.pem" -days 2 \
	    -subj "/CN=feedwatch bench CA" \
	    -addext "basicConstraints=critical,CA:TRUE" \
	    -addext "keyUsage=critical,keyCertSign,cRLSign" 2>/dev/null
	openssl req -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes \
	    -keyout "$1/tls/srv.key" -out "$1/tls/srv.csr" \
	    -subj "/CN=$2.1" 2>/dev/null
	san="subjectAltName=IP:$2.1"
	i=2
	while [ "$i" -le "$3" ]; do
		san="$san,IP:$2.$i"
		i=$((i + 1))
	done
	printf '%s\n' "$san" "basicConstraints=CA:FALSE" \
	    "extendedKeyUsage=serverAuth" >"$1/tls/srv.ext"
	openssl x509 -req -in "$1/tls/srv.csr" -CA "$1/tls/ca.pem" \
	    -CAkey "$1/tls/ca.key" -CAcreateserial -out "$1/tls/srv.pem" \
	    -days 2 -extfile "$1/tls/srv.ext" 2>/dev/null
}
