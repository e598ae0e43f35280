#!/usr/bin/env bash
# Writes a Terraform CLI configuration to stdout. When this machine has a local
# filesystem mirror of the hashicorp/aws provider (no registry access), Terraform
# installs it from there; otherwise it uses the registry as usual.
#   TF_PLUGIN_MIRROR=/path  use that mirror
#   TF_PLUGIN_CACHE=/path   plugin cache when downloading (default: build/.terraform-plugin-cache)
set -euo pipefail

find_mirror() {
  local root
  for root in "${TF_PLUGIN_MIRROR:-}" /opt/tf-plugins /usr/share/terraform/plugins \
    /usr/local/share/terraform/plugins "$HOME/.terraform.d/plugins" "$HOME/.local/share/terraform/plugins"; do
    [ -n "$root" ] && [ -d "$root/registry.terraform.io/hashicorp/aws" ] && { echo "$root"; return; }
  done
  # Last resort: a mirror anywhere on the machine (terraform-provider-aws_* under .../hashicorp/aws/VERSION/OS_ARCH/).
  local binary
  binary=$(find / -path /proc -prune -o -name 'terraform-provider-aws_*' -path '*registry.terraform.io/hashicorp/aws/*' \
    -not -path '*/.terraform/*' -not -path '*/build/*' -print -quit 2>/dev/null || true)
  [ -n "$binary" ] && dirname "$(dirname "$(dirname "$(dirname "$(dirname "$(dirname "$binary")")")")")"
}

mirror=$(find_mirror || true)
if [ -n "$mirror" ]; then
  echo "# hashicorp/aws from the local mirror $mirror" >&2
  cat <<CONFIG
provider_installation {
  filesystem_mirror {
    path    = "$mirror"
    include = ["registry.terraform.io/hashicorp/aws"]
  }
  direct {
    exclude = ["registry.terraform.io/hashicorp/aws"]
  }
}
CONFIG
else
  # Init links unpacked mirror packages in place, so only downloads need a cache.
  cache=${TF_PLUGIN_CACHE:-$(pwd)/build/.terraform-plugin-cache}
  mkdir -p "$cache"
  echo "plugin_cache_dir = \"$cache\""
  echo "# no local provider mirror found: providers come from the registry" >&2
fi
