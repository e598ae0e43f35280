output "records" {
  description = "Every record to publish, as a list of {name, type, value, ttl, purpose} sorted by id."
  value       = [for key in sort(keys(local.all_records)) : local.all_records[key]]
}

output "zone_file" {
  description = "The records as a BIND zone file fragment with $ORIGIN, ready to import into any DNS host."
  value       = join("\n", concat(["$ORIGIN ${var.domain}."], local.zone_lines, [""]))
}
