-- Argo CD health of every kubevisor.io kind (Attribute, Segment, Feature, Group, Schema,
-- Datafile), read from the kstatus conditions the operator writes; runs in Argo CD's Lua 5.1.
-- Checked in the order kstatus (Flux) applies them:
--   observedGeneration behind metadata.generation -> Progressing
--   Stalled=True                                 -> Degraded
--   Reconciling=True or Ready=False              -> Progressing
--   Ready=True                                   -> Healthy
-- No status yet means the operator has not seen the object: Progressing, not Healthy.
local hs = {}
local function condition(status, wanted)
  if status == nil or status.conditions == nil then
    return nil
  end
  for _, item in ipairs(status.conditions) do
    if item.type == wanted then
      return item
    end
  end
  return nil
end

local status = obj.status
if status == nil or status.conditions == nil then
  hs.status = "Progressing"
  hs.message = "Waiting for the kubevisor operator to report status"
  return hs
end

local generation = obj.metadata.generation
if generation ~= nil and status.observedGeneration ~= nil and status.observedGeneration < generation then
  hs.status = "Progressing"
  hs.message = "Waiting for the operator to observe generation " .. generation
  return hs
end

local stalled = condition(status, "Stalled")
if stalled ~= nil and stalled.status == "True" then
  hs.status = "Degraded"
  hs.message = stalled.message or stalled.reason or "Stalled"
  return hs
end

local reconciling = condition(status, "Reconciling")
if reconciling ~= nil and reconciling.status == "True" then
  hs.status = "Progressing"
  hs.message = reconciling.message or reconciling.reason or "Reconciling"
  return hs
end

local ready = condition(status, "Ready")
if ready ~= nil and ready.status ~= "True" then
  hs.status = "Progressing"
  hs.message = ready.message or ready.reason or "Not ready"
  return hs
end

hs.status = "Healthy"
if ready ~= nil and ready.message ~= nil and ready.message ~= "" then
  hs.message = ready.message
else
  hs.message = "Ready"
end
return hs
