import { createHash } from "node:crypto";
import type { Database } from "../../db/database";
import { AppError, notFound } from "../../errors";

/** Evidence files are at most 10 MB (issue 6, "bad input"). */
export const MAX_DOCUMENT_BYTES = 10 * 1024 * 1024;

export type StoredDocument = { id: string; fileName: string; contentType: string; sizeBytes: number; sha256: string };

/**
 * What a file is, from its first bytes: a PDF, PNG or JPEG, or null. The name and the declared
 * content type are the sender's word; a text file renamed .pdf must not pass as evidence.
 */
export function sniffDocumentType(bytes: Uint8Array): "application/pdf" | "image/png" | "image/jpeg" | null {
  const starts = (...prefix: number[]) => prefix.every((byte, i) => bytes[i] === byte);
  if (starts(0x25, 0x50, 0x44, 0x46, 0x2d)) return "application/pdf"; // %PDF-
  if (starts(0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a)) return "image/png";
  if (starts(0xff, 0xd8, 0xff)) return "image/jpeg";
  return null;
}

/** Checks an upload (type by content, size) before anything is written; the field it names is `evidence`. */
export function checkDocument(bytes: Uint8Array): "application/pdf" | "image/png" | "image/jpeg" {
  if (bytes.byteLength === 0) throw new AppError("VALIDATION_FAILED", "The evidence file is empty", { fields: { evidence: "The file is empty" }, fieldKeys: { evidence: "commitments.validation.evidenceEmpty" } });
  if (bytes.byteLength > MAX_DOCUMENT_BYTES) {
    throw new AppError("VALIDATION_FAILED", "The evidence file is larger than 10 MB", { fields: { evidence: "The file is larger than 10 MB" }, fieldKeys: { evidence: "commitments.validation.evidenceTooLarge" } });
  }
  const type = sniffDocumentType(bytes);
  if (!type) {
    throw new AppError("VALIDATION_FAILED", "The evidence must be a PDF, PNG or JPEG file", { fields: { evidence: "Upload a PDF, PNG or JPEG file" }, fieldKeys: { evidence: "commitments.validation.evidenceType" } });
  }
  return type;
}

/** Stores an uploaded file with its checksum; the type stored is the sniffed one, never the declared one. */
export async function storeDocument(db: Database, regionId: string, file: { fileName: string; bytes: Uint8Array }, meta: { actorId: string | null; now: Date }): Promise<StoredDocument> {
  const contentType = checkDocument(file.bytes);
  const sha256 = createHash("sha256").update(file.bytes).digest("hex");
  // Only the base name, without characters that could break a Content-Disposition header.
  const fileName = (file.fileName.split(/[\\/]/).pop() ?? "").replace(/["\r\n\\;]/g, "_").slice(0, 255) || "bewijs";
  const row = await db
    .insertInto("documents")
    .values({ region_id: regionId, file_name: fileName, content_type: contentType, size_bytes: file.bytes.byteLength, sha256, content: Buffer.from(file.bytes), created_by: meta.actorId, created_at: meta.now })
    .returning(["id", "file_name as fileName", "content_type as contentType", "size_bytes as sizeBytes", "sha256"])
    .executeTakeFirstOrThrow();
  return row;
}

/** The file itself, within a region. Who may read it is the caller's question (its record's permissions). */
export async function readDocument(db: Database, regionId: string, id: string) {
  const row = await db
    .selectFrom("documents")
    .select(["id", "file_name as fileName", "content_type as contentType", "size_bytes as sizeBytes", "sha256", "content"])
    .where("id", "=", id)
    .where("region_id", "=", regionId)
    .executeTakeFirst();
  if (!row) throw notFound("Document");
  return row;
}
