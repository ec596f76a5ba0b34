#!/bin/sh
# deploy/offline-bundle.sh DEB-DIR OUT-DIR: the offline installation bundle.
# OUT-DIR gets the qingfeng-admin package from DEB-DIR and every Debian
# package it needs that a minimal Debian 12 (debootstrap --variant=minbase:
# the Priority: required packages and apt) lacks, downloaded with
# `apt-get download` from the mirror apt is set up with, plus SHA256SUMS and
# 安装说明.txt; OUT-DIR.tar is the same as one file. `make offline-bundle`
# runs it. Fails (exit 1) when a package cannot be found or downloaded.
set -eu
debs=${1:?usage: deploy/offline-bundle.sh DEB-DIR OUT-DIR}
out=${2:?usage: deploy/offline-bundle.sh DEB-DIR OUT-DIR}
admin=$(ls "$debs"/qingfeng-admin_*.deb 2>/dev/null | tail -n 1)
[ -n "$admin" ] || {
	echo "offline-bundle: no qingfeng-admin package in $debs (make deb)" >&2
	exit 1
}
rm -rf "$out" "$out.tar"
mkdir -p "$out"
out=$(cd "$out" && pwd)
cp "$admin" "$out/"

# The dependency closure of qingfeng-admin's Depends (real packages only).
direct=$(dpkg-deb -f "$admin" Depends | tr ',' '\n' | sed 's/[(|].*//; s/ //g' | grep -v '^$')
closure=$(apt-cache depends --recurse --no-recommends --no-suggests --no-conflicts \
	--no-breaks --no-replaces --no-enhances --no-pre-depends $direct |
	grep -v '^ ' | grep -v '^<' | sort -u)
closure="$closure
$(apt-cache depends --recurse --no-recommends --no-suggests --no-conflicts \
	--no-breaks --no-replaces --no-enhances $direct | grep -v '^ ' | grep -v '^<' | sort -u)"
# What minbase has: Priority: required, and apt with its own closure.
base=$(apt-cache depends --recurse --no-recommends --no-suggests --no-conflicts \
	--no-breaks --no-replaces --no-enhances apt | grep -v '^ ' | grep -v '^<' | sort -u)
need=""
for p in $(printf '%s\n' "$closure" | sort -u); do
	prio=$(apt-cache show "$p" 2>/dev/null | sed -n 's/^Priority: //p' | head -n 1)
	[ "$prio" = required ] && continue
	printf '%s\n' "$base" | grep -qx "$p" && continue
	need="$need $p"
done
if [ -n "$need" ]; then
	# as root, apt's _apt user could not write into OUT-DIR
	sandbox=""
	[ "$(id -u)" = 0 ] && sandbox="-o APT::Sandbox::User=root"
	(cd "$out" && apt-get $sandbox download $need) >/dev/null
fi

cat >"$out/安装说明.txt" <<'TXT'
清风 qingfeng-admin 离线安装说明（Debian 12 “bookworm”，amd64）

本目录包含 qingfeng-admin 软件包，以及最小化 Debian 12 系统所缺少的全部依赖包。
安装过程不需要网络，也不应连接网络。

1. 将本目录（或 qingfeng-offline.tar）用只读介质拷到离线机器上。
   如果是 tar 文件：tar -xf qingfeng-offline.tar && cd qingfeng-offline

2. 先核对校验值（应全部显示“成功”/OK）：
     sha256sum -c SHA256SUMS
   在另一台机器上核对 SHA256SUMS 本身与发布方公布的是否一致。

3. 以 root 安装全部软件包（一次性给出，dpkg 会自行排序）：
     dpkg -i *.deb
   若提示“已安装相同版本”，属正常现象。

4. 检查：
     qingfeng-admin --help
     man qingfeng-admin

5. 接下来生成本区密钥、导入案卷等操作见
   /usr/share/doc/qingfeng-admin/investigator.md 第 0 节（第一步：qingfeng-admin keygen；
   口令至少 12 个字符。生成后立即备份：两种介质各一份，逐份用 qingfeng-admin key-check
   核验，打印 district-key-sheet.txt 恢复单）。
   节假日文件在 /usr/share/qingfeng/holidays/ ，拷到案卷目录并保持更新。

卸载：dpkg --purge qingfeng-admin（案卷目录和密钥不会被删除）。
TXT
(cd "$out" && sha256sum -- *.deb 安装说明.txt >SHA256SUMS)
tar -C "$(dirname "$out")" -cf "$out.tar" "$(basename "$out")"
echo "offline-bundle: $out (and $out.tar):"
(cd "$out" && for f in *.deb; do printf '  %-48s %6s KiB\n' "$f" "$(($(stat -c %s "$f") / 1024))"; done)
