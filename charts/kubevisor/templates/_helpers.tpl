{{/* Names and labels shared by every template. */}}

{{- define "kubevisor.name" -}}
{{- .Chart.Name | trunc 63 | trimSuffix "-" -}}
{{- end -}}

{{- define "kubevisor.fullname" -}}
{{- if contains .Chart.Name .Release.Name -}}
{{- .Release.Name | trunc 63 | trimSuffix "-" -}}
{{- else -}}
{{- printf "%s-%s" .Release.Name .Chart.Name | trunc 63 | trimSuffix "-" -}}
{{- end -}}
{{- end -}}

{{- define "kubevisor.selectorLabels" -}}
app.kubernetes.io/name: {{ include "kubevisor.name" . }}
app.kubernetes.io/instance: {{ .Release.Name }}
{{- end -}}

{{- define "kubevisor.labels" -}}
{{ include "kubevisor.selectorLabels" . }}
app.kubernetes.io/version: {{ .Chart.AppVersion | quote }}
app.kubernetes.io/managed-by: {{ .Release.Service }}
app.kubernetes.io/part-of: kubevisor
helm.sh/chart: {{ printf "%s-%s" .Chart.Name .Chart.Version | replace "+" "_" }}
{{- end -}}

{{- define "kubevisor.serviceAccountName" -}}
{{- if .Values.serviceAccount.create -}}
{{- default (include "kubevisor.fullname" .) .Values.serviceAccount.name -}}
{{- else -}}
{{- required "serviceAccount.name is required when serviceAccount.create is false" .Values.serviceAccount.name -}}
{{- end -}}
{{- end -}}

{{/* Namespaces served in namespaced scope; fails early on a scope typo or an empty list. */}}
{{- define "kubevisor.watchNamespaces" -}}
{{- if not (has .Values.rbac.scope (list "cluster" "namespaced")) -}}
{{- fail (printf "rbac.scope must be cluster or namespaced, not %q" .Values.rbac.scope) -}}
{{- end -}}
{{- if eq .Values.rbac.scope "namespaced" -}}
{{- $namespaces := .Values.watchNamespaces | default (list .Release.Namespace) -}}
{{- join "," (uniq $namespaces) -}}
{{- end -}}
{{- end -}}

{{/* The rules on our own kinds, the same in both scopes. */}}
{{- define "kubevisor.kindRules" -}}
# Read every kubevisor kind: the operator's watch caches, and the DatafileGrants by which a
# namespace consents to ConfigMap copies from others.
- apiGroups: ["kubevisor.io"]
  resources: [attributes, segments, features, groups, schemas, datafiles, datafilegrants]
  verbs: [get, list, watch]
# The finalizer that guards outputs an ownerReference cannot clean up (copies, object store).
- apiGroups: ["kubevisor.io"]
  resources: [datafiles]
  verbs: [patch]
# kstatus conditions on every object.
- apiGroups: ["kubevisor.io"]
  resources: [attributes/status, segments/status, features/status, groups/status, schemas/status, datafiles/status]
  verbs: [patch]
# Published datafiles and the kubevisor-state ConfigMap. RBAC cannot say "only ConfigMaps we
# created": the operator checks ownership labels before every write and delete.
- apiGroups: [""]
  resources: [configmaps]
  verbs: [get, create, patch, delete]
# Object-store credentials named by Datafile.spec.objectStore.credentialsSecret; no list/watch.
- apiGroups: [""]
  resources: [secrets]
  verbs: [get]
# An Event on the object for every publish and every problem.
- apiGroups: [""]
  resources: [events]
  verbs: [create]
{{- end -}}

{{/* ConfigMap copies into namespaces that are not watched, where a DatafileGrant consents. */}}
{{- define "kubevisor.copyRules" -}}
- apiGroups: [""]
  resources: [configmaps]
  verbs: [get, create, patch, delete]
- apiGroups: ["kubevisor.io"]
  resources: [datafilegrants]
  verbs: [get, list]
{{- end -}}

{{/* The operator instances as a JSON list: "" (the default, namespaces without the
kubevisor.io/shard label) and each key of `shards`. Fails early on a key the operator refuses. */}}
{{- define "kubevisor.shards" -}}
{{- $shards := .Values.shards | default list -}}
{{- if and $shards (ne .Values.rbac.scope "cluster") -}}
{{- fail "shards split a cluster-wide install: set rbac.scope=cluster, or give each release its own watchNamespaces" -}}
{{- end -}}
{{- range $shards -}}
{{- if or (gt (len (toString .)) 40) (not (regexMatch "^[a-z0-9]([-a-z0-9]*[a-z0-9])?$" (toString .))) -}}
{{- fail (printf "shards: %q is not a lowercase DNS label of at most 40 characters" (toString .)) -}}
{{- end -}}
{{- end -}}
{{- if ne (len $shards) (len (uniq $shards)) -}}
{{- fail "shards: each key may appear once" -}}
{{- end -}}
{{- prepend $shards "" | toJson -}}
{{- end -}}

{{/* The Deployment (and PodDisruptionBudget) name of an instance: (list $ shard). */}}
{{- define "kubevisor.instanceName" -}}
{{- $fullname := include "kubevisor.fullname" (index . 0) -}}
{{- with index . 1 -}}
{{- printf "%s-shard-%s" $fullname . | trunc 63 | trimSuffix "-" -}}
{{- else -}}
{{- $fullname -}}
{{- end -}}
{{- end -}}

{{/* Selects one instance's pods among all the release's pods (PDB, topology spread). Shard
pods carry the label `kubevisor.io/shard: <key>`; the default instance's pods none, and its
Deployment keeps the selector it had before shards (a selector cannot change on upgrade). */}}
{{- define "kubevisor.instanceSelector" -}}
matchExpressions:
{{- if . }}
- {key: kubevisor.io/shard, operator: In, values: [{{ . | quote }}]}
{{- else }}
- {key: kubevisor.io/shard, operator: DoesNotExist}
{{- end }}
{{- end -}}
