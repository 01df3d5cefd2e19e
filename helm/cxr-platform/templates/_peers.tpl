{{/*
Network peers from values ({namespaceSelectors: [label selector], cidrs: [cidr]}) as NetworkPolicy `from`
entries: each namespace selector admits every pod of the matching namespaces, each CIDR its addresses.
*/}}
{{- define "cxr.peers" -}}
{{- range .namespaceSelectors }}
- namespaceSelector:
    {{- toYaml . | nindent 4 }}
{{- end }}
{{- range .cidrs }}
- ipBlock:
    cidr: {{ . }}
{{- end }}
{{- end -}}

{{/* Fails the render when an exposure would admit nobody (dict "what" "values.path" "peers" $peers "extra" bool). */}}
{{- define "cxr.peers.required" -}}
{{- if not (or .peers.namespaceSelectors .peers.cidrs .extra) -}}
{{- fail (printf "%s: no peer configured (namespaceSelectors or cidrs): with networkPolicy.enabled nobody could connect" .what) -}}
{{- end -}}
{{- end -}}
