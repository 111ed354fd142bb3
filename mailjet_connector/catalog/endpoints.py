"""The API's paths outside `/v3/REST/{resource}` (mailjet-api.md §1.1, §1.6): Send, the v4 GDPR delete, the DATA
API, and the listing parameters every REST resource takes. Data only, like the resource table."""

from __future__ import annotations

from dataclasses import dataclass

from mailjet_connector.catalog.model import Area, Verb

__all__ = ["DATA_ENDPOINTS", "PAGING_PARAMS", "SEND_PATHS", "DataEndpoint", "data_endpoint"]

# Listing parameters besides each resource's filters (any case; §1.6).
PAGING_PARAMS: tuple[str, ...] = ("Limit", "Offset", "Sort", "countOnly", "countrecords")

# POST only; the body says the rest (§5). v3 has no SandboxMode.
SEND_PATHS: dict[str, str] = {"v3": "/v3/send", "v3.1": "/v3.1/send"}
GDPR_DELETE = ("v4", "contacts")  # DELETE /v4/contacts/{contactId}, area contacts (§4.5)
GDPR_AREA = Area.CONTACTS


@dataclass(frozen=True)
class DataEndpoint:
    """`/v3/DATA/{source}/{sourceId}/{data_type}/{mime_type}[/{dataId}|/LAST]`.

    Args:
        source: catalog name of the source resource (its area is the endpoint's area).
        data_type: as documented (`CSVData`); matched in any case.
        mime_type: as documented (`text:plain`); matched in any case.
        verbs: what it answers.
        data_id: whether a trailing data ID (or `LAST`) may follow.
    """

    source: str
    data_type: str
    mime_type: str
    verbs: tuple[Verb, ...]
    data_id: bool = False


DATA_ENDPOINTS: tuple[DataEndpoint, ...] = (
    DataEndpoint("contactslist", "CSVData", "text:plain", (Verb.POST, Verb.GET), data_id=True),
    DataEndpoint("batchjob", "CSVError", "text:csv", (Verb.GET,)),
    DataEndpoint("batchjob", "JSONError", "application:json", (Verb.GET,), data_id=True),
)


def data_endpoint(source: str, data_type: str) -> DataEndpoint | None:
    """The DATA endpoint for a source resource (catalog name) and data type (any case), or None."""
    for endpoint in DATA_ENDPOINTS:
        if endpoint.source == source and endpoint.data_type.lower() == data_type.lower():
            return endpoint
    return None
