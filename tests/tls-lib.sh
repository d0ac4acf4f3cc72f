# TLS for whole-program tests, sourced after tests/lib.sh: a certificate
# authority made here with the openssl command, and nginx serving
# $TEST_TMP/www over TLS on 127.0.0.1 (the test's own ports), stopped when
# the test exits however it exits.
NGINX=${NGINX:-$(command -v nginx || echo /usr/sbin/nginx)}
command -v openssl >/dev/null ||
    { echo "Bail out! the openssl command is needed"; exit 1; }
[ -x "$NGINX" ] || { echo "Bail out! nginx is needed (nginx-light)"; exit 1; }

# make_ca DIR: DIR/ca.pem (a CA) and DIR/srv.pem, DIR/srv.key (a server
# certificate for 127.0.0.1 that it signed); also DIR/other.pem, a CA that
# signed nothing.
make_ca() {
	mkdir -p "$1"
	for ca in ca other; do
		openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 \
		    -nodes -keyout "$1/$ca.key" -out "$1/$ca.pem" -days 2 \
		    -subj "/CN=feedwatch test $ca" \
		    -addext "basicConstraints=critical,CA:TRUE" \
		    -addext "keyUsage=critical,keyCertSign,cRLSign" \
		    2>/dev/null || return 1
	done
	openssl req -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes \
	    -keyout "$1/srv.key" -out "$1/srv.csr" -subj "/CN=127.0.0.1" \
	    2>/dev/null || return 1
	printf '%s\n' "subjectAltName=IP:127.0.0.1" \
	    "basicConstraints=CA:FALSE" "extendedKeyUsage=serverAuth" \
	    >"$1/srv.ext"
	openssl x509 -req -in "$1/srv.csr" -CA "$1/ca.pem" -CAkey "$1/ca.key" \
	    -CAcreateserial -out "$1/srv.pem" -days 2 -extfile "$1/srv.ext" \
	    2>/dev/null
}

# nginx_tls_start DIR CERTDIR H2PORT H1PORT: serve DIR/www on 127.0.0.1 over
# TLS, HTTP/2 on H2PORT; HTTP/1.1 without keep-alive on H1PORT (so every
# request is a new connection, and a resumed TLS session shows); under
# /same/ neither ETag nor Last-Modified is honoured (every poll is a 200
# with the same bytes).  DIR/access.log: port, connection number,
# protocol, session reused ("r") or not ("."), URI, status.
nginx_tls_start() {
	mkdir -p "$1/tmp" "$1/www/same"
	chmod 755 "$1" "$1/www" "$1/www/same"
	cat >"$1/nginx.conf" <<NGX
worker_processes 1;
daemon off;
pid $1/nginx.pid;
error_log $1/error.log warn;
events { worker_connections 256; }
http {
	log_format fw '\$server_port \$connection \$server_protocol '
	    '\$ssl_session_reused \$request_uri \$status';
	access_log $1/access.log fw;
	client_body_temp_path $1/tmp/body;
	proxy_temp_path $1/tmp/proxy;
	fastcgi_temp_path $1/tmp/fastcgi;
	uwsgi_temp_path $1/tmp/uwsgi;
	scgi_temp_path $1/tmp/scgi;
	types { application/rss+xml xml; }
	ssl_certificate $2/srv.pem;
	ssl_certificate_key $2/srv.key;
	ssl_session_cache shared:fw:1m;
	open_file_cache off;
	server {
		listen 127.0.0.1:$3 ssl http2;
		root $1/www;
		location /same/ { etag off; if_modified_since off; }
	}
	server {
		listen 127.0.0.1:$4 ssl;
		keepalive_timeout 0;
		root $1/www;
	}
}
NGX
	"$NGINX" -p "$1" -c "$1/nginx.conf" -e "$1/error.log" &
	cleanup_pid $!
	_n=0
	until [ -s "$1/nginx.pid" ]; do
		_n=$((_n + 1))
		if [ "$_n" -gt 200 ]; then
			cat "$1/error.log" >&2
			echo "Bail out! nginx did not start"
			exit 1
		fi
		sleep 0.05
	done
}
