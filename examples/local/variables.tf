variable "endpoint_url" {
  description = "URL of the local AWS emulator (moto server), e.g. http://127.0.0.1:5000."
  type        = string
  nullable    = false

  validation {
    condition     = can(regex("^http://(127\\.[0-9]+\\.[0-9]+\\.[0-9]+|localhost|\\[::1\\]):[0-9]+$", var.endpoint_url))
    error_message = "endpoint_url must be a loopback URL such as http://127.0.0.1:5000: the local example never talks to AWS."
  }
}

variable "region" {
  description = "Region the emulator pretends to be."
  type        = string
  default     = "eu-west-1"
  nullable    = false
}

variable "domain" {
  description = "Domain to send from on the local stack."
  type        = string
  default     = "example.com"
  nullable    = false
}

variable "name_prefix" {
  description = "Prefix of every resource name."
  type        = string
  default     = "ses-smtp-local"
  nullable    = false
}

variable "senders" {
  description = "Senders declared in code, as the module's senders input takes them (name => from, forward_to, limits)."
  type        = any
  default     = {}
  nullable    = false
}
