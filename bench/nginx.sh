# nginx for the benchmarks, sourced by bench/*.sh: serve $dir/www on the
# loopback addresses $prefix.1..$prefix.$hosts (127.x.y only), one port,
# with bench/poll-nginx.conf, from the temporary directory $dir so no root
# is needed.  The caller's EXIT trap calls nginx_stop.
NGINX=${NGINX:-$(command -v nginx || echo /usr/sbin/nginx)}
ngx=""

# nginx_start DIR PREFIX HOSTS PORT
nginx_start() {
	: >"$1/listen.conf"
	i=1
	while [ "$i" -le "$3" ]; do
		echo "listen $2.$i:$4;" >>"$1/listen.conf"
		i=$((i + 1))
	done
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
