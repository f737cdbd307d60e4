"""OFD invoices (GB/T 33190): a ZIP of XML parts, read directly, without OCR.

Per document (DocBody), its pages and the invoice data of its parts, from least to most
reliable (capture/extract/structured.py overlays them in that order):
- "text": the page's text objects (template labels included) as tokens, for the same layout
  rules as PDF pages (`extract_page`); always present, so it is the base (content.py).
- "meta": `OFD.xml` CustomDatas (发票号码, 开票日期, 合计金额 = tax-exclusive amount, ...).
- "tags": `Tags/CustomTag.xml`, keys (InvoiceNo, BuyerName, TaxInclusiveTotalAmount, ...)
  pointing at text objects of the page (tags.py).
- "xml": embedded invoice data (`Attachs/original_invoice.xml` on 2020-22 电子专票, with the
  QR string as GraphCode), or an embedded 数电票 XML.
QR images of the page (PNG, JPEG, ...) are decoded and witness number, date and amount.

The package is untrusted: members are read in memory within bounds (`SafeZip`) and every XML
part is parsed without DTDs (`safe_xml`; package.py). The entry point is `read_ofd` (reader.py).
"""

from capture.read.ofd.reader import SOURCES, read_ofd

__all__ = ["SOURCES", "read_ofd"]
