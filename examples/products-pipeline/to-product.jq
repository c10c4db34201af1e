# One `cdcctl consume -J` message of cadastro-produtos → one flat row of public.products.
# The message's topic, partition and offset travel along (__topic, __partition, __offset), so
# `cdcctl apply` stores them with the rows and a rerun skips what is already applied; a
# tombstone (null payload) deletes the product named by the key.
{__topic: .topic, __partition: .partition, __offset: .offset} +
if .payload == null then
  {sku: .key, __deleted: "true"}
else
  (.payload | fromjson) as $p
  | {sku: $p.codigo, name: $p.nome, price: $p.preco, stock: $p.estoque, updated_at: $p.alterado_em}
end
