/* fields.h — the canonical field dictionary.
 *
 * Canonical names follow Sysmon's (and Windows Security's where Sysmon has no
 * equivalent), so that Sigma rules written for Sysmon match every source: the
 * readers map ECS, Zeek, Squid and CSV names onto these. Proxy fields use the
 * Sigma proxy taxonomy names (c-uri, cs-host, ...). The original input name of
 * every field stays on the event too (ug_field.name).
 *
 * X(ID, "Name", "what it holds")
 */
#ifndef UPDGUARD_FIELDS_H
#define UPDGUARD_FIELDS_H

#define UG_FIELD_LIST(X)                                                                  \
	/* record / system */                                                             \
	X(CHANNEL, "Channel", "event log channel, e.g. Microsoft-Windows-Sysmon/Operational") \
	X(EVENT_ID, "EventID", "Windows event ID")                                        \
	X(PROVIDER_NAME, "Provider_Name", "event provider")                               \
	X(COMPUTER, "Computer", "host name as the source wrote it (not normalized)")      \
	X(EVENT_RECORD_ID, "EventRecordID", "record number in the event log")             \
	X(UTC_TIME, "UtcTime", "event time as Sysmon writes it")                          \
	/* process */                                                                     \
	X(IMAGE, "Image", "full path of the process executable")                          \
	X(COMMAND_LINE, "CommandLine", "process command line")                            \
	X(PROCESS_ID, "ProcessId", "process id")                                          \
	X(PROCESS_GUID, "ProcessGuid", "Sysmon process GUID")                             \
	X(PARENT_IMAGE, "ParentImage", "parent process executable")                       \
	X(PARENT_COMMAND_LINE, "ParentCommandLine", "parent command line")                \
	X(PARENT_PROCESS_ID, "ParentProcessId", "parent process id")                      \
	X(PARENT_PROCESS_GUID, "ParentProcessGuid", "Sysmon parent process GUID")         \
	X(USER, "User", "account the process runs as (DOMAIN\\user)")                     \
	X(INTEGRITY_LEVEL, "IntegrityLevel", "process integrity level")                   \
	X(CURRENT_DIRECTORY, "CurrentDirectory", "process working directory")             \
	X(LOGON_ID, "LogonId", "logon session id")                                        \
	X(HASHES, "Hashes", "file hashes, e.g. SHA256=...,MD5=...")                       \
	X(ORIGINAL_FILE_NAME, "OriginalFileName", "PE original file name")                \
	X(COMPANY, "Company", "PE company")                                               \
	X(PRODUCT, "Product", "PE product")                                               \
	X(DESCRIPTION, "Description", "PE description")                                   \
	X(FILE_VERSION, "FileVersion", "PE file version")                                 \
	/* image load */                                                                  \
	X(IMAGE_LOADED, "ImageLoaded", "path of the loaded module")                       \
	X(SIGNED, "Signed", "module is signed (true/false)")                              \
	X(SIGNATURE, "Signature", "signer")                                               \
	X(SIGNATURE_STATUS, "SignatureStatus", "signature status")                        \
	/* network */                                                                     \
	X(PROTOCOL, "Protocol", "tcp/udp")                                                \
	X(INITIATED, "Initiated", "connection initiated by the host (true/false)")        \
	X(SOURCE_IP, "SourceIp", "source (client) IP")                                    \
	X(SOURCE_HOSTNAME, "SourceHostname", "source host name")                          \
	X(SOURCE_PORT, "SourcePort", "source port")                                       \
	X(DESTINATION_IP, "DestinationIp", "destination (server) IP")                     \
	X(DESTINATION_HOSTNAME, "DestinationHostname", "destination host name or TLS SNI") \
	X(DESTINATION_PORT, "DestinationPort", "destination port")                        \
	/* dns */                                                                         \
	X(QUERY_NAME, "QueryName", "DNS name queried")                                    \
	X(QUERY_STATUS, "QueryStatus", "DNS status / rcode")                              \
	X(QUERY_RESULTS, "QueryResults", "DNS answers")                                   \
	/* file */                                                                        \
	X(TARGET_FILENAME, "TargetFilename", "path of the file created/deleted")          \
	X(CREATION_UTC_TIME, "CreationUtcTime", "file creation time")                     \
	/* registry */                                                                    \
	X(EVENT_TYPE, "EventType", "registry/WMI operation, e.g. SetValue, CreateKey")    \
	X(TARGET_OBJECT, "TargetObject", "registry key or value path")                    \
	X(DETAILS, "Details", "registry value data")                                      \
	X(NEW_NAME, "NewName", "registry rename target")                                  \
	/* scheduled task */                                                              \
	X(TASK_NAME, "TaskName", "scheduled task name (path)")                            \
	X(TASK_CONTENT, "TaskContent", "scheduled task XML")                              \
	/* service */                                                                     \
	X(SERVICE_NAME, "ServiceName", "service name")                                    \
	X(IMAGE_PATH, "ImagePath", "service binary path / command")                       \
	X(SERVICE_TYPE, "ServiceType", "service type")                                    \
	X(START_TYPE, "StartType", "service start type")                                  \
	X(ACCOUNT_NAME, "AccountName", "service account")                                 \
	/* WMI */                                                                         \
	X(OPERATION, "Operation", "WMI operation")                                        \
	X(CONSUMER, "Consumer", "WMI consumer")                                           \
	X(FILTER, "Filter", "WMI filter")                                                 \
	X(DESTINATION, "Destination", "WMI consumer destination (command/script)")        \
	X(QUERY, "Query", "WMI filter query")                                             \
	/* logon and accounts (Security) */                                               \
	X(SUBJECT_USER_NAME, "SubjectUserName", "acting account")                         \
	X(TARGET_USER_NAME, "TargetUserName", "target account")                           \
	X(TARGET_DOMAIN_NAME, "TargetDomainName", "target account domain")                \
	X(LOGON_TYPE, "LogonType", "logon type")                                          \
	X(IP_ADDRESS, "IpAddress", "remote IP (logon) or leased IP (DHCP)")               \
	X(WORKSTATION_NAME, "WorkstationName", "remote workstation")                      \
	X(NEW_PROCESS_NAME, "NewProcessName", "4688 new process image")                   \
	X(PARENT_PROCESS_NAME, "ParentProcessName", "4688 parent image")                  \
	/* DHCP lease */                                                                  \
	X(HOST_NAME, "HostName", "host name in a DHCP lease")                             \
	X(MAC_ADDRESS, "MacAddress", "MAC address in a DHCP lease")                       \
	/* HTTP / proxy (Sigma proxy taxonomy) */                                         \
	X(C_URI, "c-uri", "requested URL")                                                \
	X(C_URI_STEM, "c-uri-stem", "URL path")                                           \
	X(C_URI_QUERY, "c-uri-query", "URL query")                                        \
	X(C_URI_EXTENSION, "c-uri-extension", "URL file extension")                       \
	X(C_USERAGENT, "c-useragent", "user agent")                                       \
	X(CS_METHOD, "cs-method", "HTTP method")                                           \
	X(CS_HOST, "cs-host", "requested host")                                           \
	X(CS_REFERRER, "cs-referrer", "referrer")                                         \
	X(CS_BYTES, "cs-bytes", "bytes client to server")                                 \
	X(SC_BYTES, "sc-bytes", "bytes server to client")                                 \
	X(SC_STATUS, "sc-status", "HTTP status")                                          \
	X(C_IP, "c-ip", "client IP")                                                      \
	X(R_DNS, "r-dns", "requested host name")                                          \
	X(CS_MIME, "cs-mime", "response content type")

typedef enum ug_field_id {
	UG_F_NONE = 0,
#define UG_FIELD_ENUM(id, name, doc) UG_F_##id,
	UG_FIELD_LIST(UG_FIELD_ENUM)
#undef UG_FIELD_ENUM
	UG_F__COUNT
} ug_field_id;

#endif
