"""sianode.iotools"""
